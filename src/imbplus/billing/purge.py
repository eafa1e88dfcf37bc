"""Retention of invoices (P13): kept 5 years from the end of their year (tax law), then
deleted with their lines and payments; the year's retention key is destroyed too.

Saved cards (P20) are kept while the contract lasts and a short period after it ended
(last charges, complaints), then their own keys are destroyed (`cards.forget_all`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from imbplus.billing import cards
from imbplus.billing.models import BilledPeriod, Card, Invoice, InvoiceLine, Payment
from imbplus.clock import clock
from imbplus.privacy import retention_rules
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category
from imbplus.privacy.retention_keys import shred_retention_keys
from imbplus.settings import Settings

RULE = "billing.invoices"
CARDS_RULE = "billing.cards"


def purge_invoices(ctx: Context, _cutoff: datetime, held: frozenset[str], dry_run: bool) -> int:
    today = clock.now().date()
    stmt = select(Invoice.id, Invoice.year).where(Invoice.retain_until < today)
    if held:
        stmt = stmt.where(Invoice.customer_id.not_in(sorted(held)))
    rows = ctx.session.execute(stmt).all()
    if dry_run or not rows:
        return len(rows)
    ids = [r.id for r in rows]
    for table in (Payment, InvoiceLine, BilledPeriod):
        ctx.session.execute(delete(table).where(table.invoice_id.in_(ids)))
    ctx.session.execute(delete(Invoice).where(Invoice.id.in_(ids)))
    for year in sorted({r.year for r in rows}):
        left = ctx.session.execute(
            select(func.count()).select_from(Invoice).where(Invoice.year == year)
        ).scalar_one()
        if left == 0:
            shred_retention_keys(ctx, "invoices", year)
    return len(ids)


def _period(settings: Settings) -> timedelta:
    return timedelta(days=365 * (settings.invoice_retention_years + 1))


retention_rules.register(
    retention_rules.Rule(
        name=RULE,
        category=Category.BILLING_RECORD,
        period=_period,
        legal_basis="tax law: 5 years from the end of the invoice's year (Ordynacja "
        "podatkowa art. 86 § 1, ustawa o VAT art. 112)",
        description="Invoices with their lines and payments, after the tax period "
        "(setting invoice_retention_years).",
        purge=purge_invoices,
    )
)


def cards_due(cutoff: datetime, held: frozenset[str]):  # type: ignore[no-untyped-def]
    """Active saved cards of customers whose contract ended before `cutoff`, not held."""
    from imbplus.customers.retention import contract_ended_before

    stmt = select(Card.customer_id).where(
        Card.status == "active", Card.customer_id.in_(contract_ended_before(cutoff))
    )
    if held:
        stmt = stmt.where(Card.customer_id.not_in(sorted(held)))
    return stmt


def purge_cards(ctx: Context, cutoff: datetime, held: frozenset[str], dry_run: bool) -> int:
    owners = list(ctx.session.execute(cards_due(cutoff, held)).scalars())
    if dry_run or not owners:
        return len(owners)
    subjects = sorted(set(owners))
    ctx.check(Action.DELETE, {Category.PAYMENT_CARD}, operation="card.purge", subjects=subjects)
    return sum(cards.forget_all(ctx, customer_id) for customer_id in subjects)


retention_rules.register(
    retention_rules.Rule(
        name=CARDS_RULE,
        category=Category.PAYMENT_CARD,
        period=lambda s: timedelta(days=s.card_retention_after_contract_days),
        legal_basis="contract and billing (GDPR art. 6(1)(b), P20): kept while the contract "
        "lasts and for its last charges and complaints, then its keys are destroyed",
        description="Saved cards (number, expiry, provider token) of customers whose "
        "contract ended (setting card_retention_after_contract_days).",
        purge=purge_cards,
    )
)
