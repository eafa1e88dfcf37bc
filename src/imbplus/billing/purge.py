"""Retention of invoices (P13): kept 5 years from the end of their year (tax law), then
deleted with their lines and payments; the year's retention key is destroyed too."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from imbplus.billing.models import BilledPeriod, Invoice, InvoiceLine, Payment
from imbplus.clock import clock
from imbplus.privacy import retention
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Category
from imbplus.privacy.retention_keys import shred_retention_keys
from imbplus.settings import Settings

RULE = "billing.invoices"


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


retention.register(
    retention.Rule(
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
