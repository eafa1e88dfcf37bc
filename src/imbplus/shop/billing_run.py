"""The monthly billing run (`imbplus billing run --month YYYY-MM`) and charge retries.

Idempotent: a subscription month that has an invoice is recorded in `billed_periods`
(primary key subscription + month), so running the month again, or two runs at once, bills
nothing twice. Each subscription is its own unit of work: an interrupted run keeps what it
finished and the next run does the rest. A declined charge leaves the invoice unpaid and
schedules a retry (`imbplus billing retry`, delays from `charge_retry_hours`). A run and a
retry hold the billing lease (`Runtime.lease`): with several hosts, one works and the others
skip, saying so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from imbplus.billing import invoices, payments
from imbplus.billing.invoices import LineSpec
from imbplus.billing.models import BilledPeriod, Card, Invoice
from imbplus.billing.periods import whole_month
from imbplus.billing.schemas import Buyer
from imbplus.clock import LOCAL_ZONE, clock
from imbplus.customers import service as customers
from imbplus.errors import Conflict, Erased, NotFound, ValidationFailed
from imbplus.ids import is_uuid
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category, Purpose
from imbplus.runtime import Runtime
from imbplus.shop import subscriptions

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
Advance = Callable[[int], None]
LEASE = "billing"  # the monthly run and the retries: one at a time over all hosts


@dataclass
class RunReport:
    month: str
    subscriptions: int = 0
    invoiced: int = 0
    already_billed: int = 0
    not_active: int = 0
    paid: int = 0
    declined: int = 0
    no_card: int = 0


@dataclass
class RetryReport:
    due: int = 0
    paid: int = 0
    declined: int = 0


def month_bounds(month: str) -> tuple[datetime, datetime]:
    found = MONTH.match(month)
    if not found:
        raise ValidationFailed([{"field": "month", "problem": "a month like 2026-11"}])
    year, mon = int(found.group(1)), int(found.group(2))
    start = datetime(year, mon, 1, tzinfo=LOCAL_ZONE)  # the month in Poland
    end = datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=LOCAL_ZONE)
    return start, end


def due_subscriptions(rt: Runtime, month: str) -> list[str]:
    _, end = month_bounds(month)
    with rt.unit_of_work() as s:
        return subscriptions.active_started_before(s, end)


def run_month(rt: Runtime, month: str, advance: Advance | None = None) -> RunReport:
    """Bill the month, holding the billing lease: a second run (or retry) at the same time,
    on any host, raises `LeaseTaken` before it does anything."""
    with rt.lease(LEASE):
        return _run_month(rt, month, advance)


def _run_month(rt: Runtime, month: str, advance: Advance | None) -> RunReport:
    report = RunReport(month=month)
    ids = due_subscriptions(rt, month)
    report.subscriptions = len(ids)
    for sub_id in ids:
        try:
            with rt.job("billing_run", Purpose.BILLING) as ctx:
                outcome = _bill_one(ctx, sub_id, month)
        except IntegrityError:
            outcome = "already_billed"  # a concurrent run billed it first
        setattr(report, outcome, getattr(report, outcome) + 1)
        if outcome in ("paid", "declined", "no_card"):
            report.invoiced += 1
        if advance:
            advance(1)
    return report


def _bill_one(ctx: Context, sub_id: str, month: str) -> str:
    session = ctx.session
    if session.get(BilledPeriod, (sub_id, month)) is not None:
        return "already_billed"
    sub = subscriptions.billable(session, sub_id)
    if sub is None or sub.status != "active":
        return "not_active"
    if customers.status_of(ctx, sub.customer_id) != "active":
        return "not_active"
    try:
        customer = customers.get(ctx, sub.customer_id)
    except Erased:
        return "not_active"
    period = whole_month(sub.monthly_gross, month)
    line = LineSpec(
        f"{sub.product_name} – {period.label(prorated=False)}",
        1,
        period.gross,
        sub.vat_rate_bp,
        "usł.",
    )
    invoice = invoices.issue(
        ctx,
        customer_id=sub.customer_id,
        kind="subscription",
        lines=[line],
        buyer=Buyer(
            name=customer.name,
            street=customer.address.street,
            postal_code=customer.address.postal_code,
            city=customer.address.city,
        ),
        subscription_id=sub.id,
        period=month,
    )
    # a concurrent run's row makes this fail before any charge
    invoices.mark_billed(ctx, sub.id, month, invoice.id)
    card = _active_card(session, sub.card_id)
    if card is None:
        return "no_card"
    payment = payments.charge_invoice(ctx, invoice, card)
    return "paid" if payment.status == "approved" else "declined"


def _active_card(session: Session, card_id: str | None) -> Card | None:
    card = session.get(Card, card_id) if card_id else None
    return card if card is not None and card.status == "active" else None


def saved_card_of(session: Session, invoice: Invoice) -> Card | None:
    """The active saved card of the subscription an invoice bills, if any."""
    sub = subscriptions.billable(session, invoice.subscription_id or "")
    return _active_card(session, sub.card_id) if sub else None


def retry_failed(rt: Runtime, advance: Advance | None = None) -> RetryReport:
    """Charge again the unpaid subscription invoices whose retry time has come, holding the
    billing lease (two retries at once would charge a declined card twice)."""
    with rt.lease(LEASE):
        return _retry_failed(rt, advance)


def _retry_failed(rt: Runtime, advance: Advance | None) -> RetryReport:
    with rt.unit_of_work() as s:
        ids = list(
            s.execute(
                select(Invoice.id)
                .where(Invoice.status == "unpaid", Invoice.next_charge_at <= clock.now())
                .order_by(Invoice.next_charge_at)
            ).scalars()
        )
    report = RetryReport(due=len(ids))
    for invoice_id in ids:
        with rt.job("billing_run", Purpose.BILLING) as ctx:
            invoice = ctx.session.get(Invoice, invoice_id, with_for_update=True)
            assert invoice is not None
            card = saved_card_of(ctx.session, invoice)
            if invoice.status != "unpaid" or card is None:
                invoice.next_charge_at = None
                continue
            payment = payments.charge_invoice(ctx, invoice, card)
            if payment.status == "approved":
                report.paid += 1
            else:
                report.declined += 1
        if advance:
            advance(1)
    return report


class NothingToCharge(Conflict):
    code = "nothing_to_charge"


def charge_now(ctx: Context, invoice_id: str) -> str:
    """Billing staff charge an unpaid subscription invoice to its saved card at once (the
    customer asked, or the card was renewed); counts as an attempt like a scheduled retry.
    Returns `paid` or `declined`."""
    invoice = (
        ctx.session.get(Invoice, invoice_id, with_for_update=True) if is_uuid(invoice_id) else None
    )
    if invoice is None:
        raise NotFound("no invoice with this id", invoice=invoice_id[:64])
    ctx.check(
        Action.WRITE,
        {Category.BILLING_RECORD, Category.PAYMENT_CARD},
        operation="invoice.charge",
        subjects=[invoice.customer_id],
    )
    if invoice.status != "unpaid":
        raise NothingToCharge("this invoice is already paid", invoice=invoice.number)
    card = saved_card_of(ctx.session, invoice)
    if card is None:
        raise NothingToCharge(
            "no saved card for this subscription: the customer pays in the portal",
            invoice=invoice.number,
        )
    payment = payments.charge_invoice(ctx, invoice, card)
    ctx.note("invoice.charged_by_staff", subject=invoice.customer_id, result=payment.status)
    return "paid" if payment.status == "approved" else "declined"
