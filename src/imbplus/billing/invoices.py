"""Invoices: numbers per year without gaps, totals from gross prices, kept for tax law.

The number comes from `invoice_counters`, whose row for the year is locked and incremented
in the transaction that inserts the invoice: a rolled-back invoice gives its number back,
and concurrent issuers wait for each other, so numbers are dense and unique.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from imbplus.billing.models import BilledPeriod, Invoice, InvoiceCounter, InvoiceLine, Payment
from imbplus.billing.schemas import (
    Buyer,
    InvoiceLineRead,
    InvoiceRead,
    InvoiceSummary,
    PaymentRead,
    Seller,
    VatRateTotal,
)
from imbplus.clock import clock, local_day
from imbplus.errors import Erased, NotFound
from imbplus.ids import is_uuid
from imbplus.money import split_gross
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category
from imbplus.privacy.retention_keys import retention_key
from imbplus.privacy.reveal import Grant
from imbplus.settings import Settings

TABLE = "invoices"
BILLING = Category.BILLING_RECORD
BUYER_CATEGORIES = frozenset({Category.BILLING_RECORD, Category.IDENTITY, Category.ADDRESS})
_BUYER_COLUMNS = ("buyer_name_ct", "buyer_street_ct", "buyer_postal_code_ct", "buyer_city_ct")


@dataclass(frozen=True)
class LineSpec:
    description: str
    quantity: int
    unit_gross: int
    vat_rate_bp: int
    unit: str = "szt."  # usł. for a service period


def retain_until(year: int, years: int) -> date:
    """Tax retention: `years` years counted from the end of the invoice's year."""
    return date(year + years, 12, 31)


def next_number(ctx: Context, year: int) -> tuple[int, str]:
    counter = ctx.session.execute(
        select(InvoiceCounter).where(InvoiceCounter.year == year).with_for_update()
    ).scalar()
    if counter is None:
        try:
            with ctx.session.begin_nested():
                ctx.session.add(InvoiceCounter(year=year, last_seq=0))
                ctx.session.flush()
        except IntegrityError:
            pass  # another transaction created it first; lock theirs below
        counter = ctx.session.execute(
            select(InvoiceCounter).where(InvoiceCounter.year == year).with_for_update()
        ).scalar_one()
    counter.last_seq += 1
    return counter.last_seq, f"FV/{year}/{counter.last_seq:06d}"


def _line_rows(invoice_id: str, lines: list[LineSpec]) -> list[InvoiceLine]:
    rows = []
    for pos, spec in enumerate(lines, start=1):
        gross = spec.unit_gross * spec.quantity
        net, vat = split_gross(gross, spec.vat_rate_bp)
        rows.append(
            InvoiceLine(
                invoice_id=invoice_id,
                position=pos,
                description=spec.description[:200],
                quantity=spec.quantity,
                unit=spec.unit,
                unit_gross=spec.unit_gross,
                vat_rate_bp=spec.vat_rate_bp,
                net=net,
                vat=vat,
                gross=gross,
            )
        )
    return rows


def seller_of(settings: Settings) -> Seller:
    return Seller(
        name=settings.seller_name,
        street=settings.seller_street,
        postal_code=settings.seller_postal_code,
        city=settings.seller_city,
        nip=settings.seller_nip,
    )


def issue(
    ctx: Context,
    *,
    customer_id: str,
    kind: str,
    lines: list[LineSpec],
    buyer: Buyer,
    order_id: str | None = None,
    subscription_id: str | None = None,
    period: str | None = None,
    at: datetime | None = None,
) -> Invoice:
    ctx.check(Action.WRITE, {BILLING}, operation="invoice.issue", subjects=[customer_id])
    now = at or clock.now()
    settings = ctx.platform.settings
    iid = str(uuid.uuid4())
    key_id = retention_key(ctx, "invoices", now.year)
    seq, number = next_number(ctx, local_day(now).year)
    line_rows = _line_rows(iid, lines)
    seller = seller_of(settings)
    row = Invoice(
        id=iid,
        number=number,
        year=local_day(now).year,
        seq=seq,
        customer_id=customer_id,
        kind=kind,
        order_id=order_id,
        subscription_id=subscription_id,
        period=period,
        issued_at=now,
        due_date=local_day(now) + timedelta(days=settings.invoice_due_days),
        net_total=sum(r.net for r in line_rows),
        vat_total=sum(r.vat for r in line_rows),
        gross_total=sum(r.gross for r in line_rows),
        currency="PLN",
        status="unpaid",
        charge_attempts=0,
        retain_until=retain_until(now.year, settings.invoice_retention_years),
        **{f"seller_{field}": value for field, value in seller.model_dump().items()},
    )
    for column, value in zip(
        _BUYER_COLUMNS, (buyer.name, buyer.street, buyer.postal_code, buyer.city), strict=True
    ):
        setattr(row, column, ctx.keyring.seal(ctx.session, key_id, TABLE, column, iid, value))
    ctx.session.add(row)
    ctx.session.flush()
    ctx.session.add_all(line_rows)
    ctx.session.flush()
    ctx.note("invoice.issued", subject=customer_id, reason=f"invoice:{iid} {number}")
    return row


def mark_billed(ctx: Context, subscription_id: str, period: str, invoice_id: str) -> None:
    """Record that a subscription month has its invoice (the billing run skips it)."""
    ctx.session.add(
        BilledPeriod(subscription_id=subscription_id, period=period, invoice_id=invoice_id)
    )
    ctx.session.flush()


def mark_paid(row: Invoice, at: datetime) -> None:
    row.status, row.paid_at, row.next_charge_at = "paid", at, None


def _load(ctx: Context, invoice_id: str) -> Invoice:
    row = ctx.session.get(Invoice, invoice_id) if is_uuid(invoice_id) else None
    if row is None or not ctx.actor.reaches(row.customer_id):
        raise NotFound("no invoice with this id", invoice=invoice_id[:64])
    return row


def summary(row: Invoice) -> InvoiceSummary:
    return InvoiceSummary(
        id=row.id,
        number=row.number,
        customer_id=row.customer_id,
        kind=row.kind,
        period=row.period,
        issued_at=row.issued_at,
        due_date=row.due_date,
        gross_total=row.gross_total,
        currency=row.currency,
        status=row.status,
        charge_attempts=row.charge_attempts,
        next_charge_at=row.next_charge_at,
    )


def payments_of(
    grant: Grant, *, invoice_id: str | None = None, order_id: str | None = None
) -> list[PaymentRead]:
    """Payments of an invoice or an order, under a decision of the gate that covers their
    card data (the masked number; None once the customer's key is gone)."""
    stmt = select(Payment).order_by(Payment.created_at, Payment.attempt)
    stmt = stmt.where(Payment.invoice_id == invoice_id) if invoice_id else stmt
    stmt = stmt.where(Payment.order_id == order_id) if order_id else stmt
    out = []
    for p in grant.ctx.session.execute(stmt).scalars():
        try:
            masked = grant.reveal_one(Payment, p, "masked_ct", empty="") or None
        except Erased:
            masked = None
        out.append(
            PaymentRead(
                id=p.id,
                kind=p.kind,
                status=p.status,
                amount_gross=p.amount_gross,
                currency=p.currency,
                brand=p.brand,
                masked=masked,
                decline_code=p.decline_code,
                attempt=p.attempt,
                created_at=p.created_at,
            )
        )
    return out


def _stored_seller(ctx: Context, row: Invoice) -> Seller:
    """The seller copied at issue; the settings' for invoices issued before copies."""
    if row.seller_nip is None:
        return seller_of(ctx.platform.settings)
    return Seller(
        name=row.seller_name or "",
        street=row.seller_street or "",
        postal_code=row.seller_postal_code or "",
        city=row.seller_city or "",
        nip=row.seller_nip,
    )


def _line_read(line: InvoiceLine) -> InvoiceLineRead:
    return InvoiceLineRead(
        position=line.position,
        description=line.description,
        quantity=line.quantity,
        unit=line.unit,
        unit_net=split_gross(line.unit_gross, line.vat_rate_bp)[0],
        unit_gross=line.unit_gross,
        vat_rate_bp=line.vat_rate_bp,
        net=line.net,
        vat=line.vat,
        gross=line.gross,
    )


def lines_of(session: Session, invoice_id: str) -> list[InvoiceLineRead]:
    rows = session.execute(
        select(InvoiceLine)
        .where(InvoiceLine.invoice_id == invoice_id)
        .order_by(InvoiceLine.position)
    ).scalars()
    return [_line_read(ln) for ln in rows]


def vat_rates(lines: list[InvoiceLineRead]) -> list[VatRateTotal]:
    """Net, VAT and gross per VAT rate, highest rate first."""
    totals: dict[int, VatRateTotal] = {}
    for ln in lines:
        t = totals.setdefault(
            ln.vat_rate_bp, VatRateTotal(vat_rate_bp=ln.vat_rate_bp, net=0, vat=0, gross=0)
        )
        t.net, t.vat, t.gross = t.net + ln.net, t.vat + ln.vat, t.gross + ln.gross
    return [totals[rate] for rate in sorted(totals, reverse=True)]


def get(ctx: Context, invoice_id: str) -> InvoiceRead:
    row = _load(ctx, invoice_id)
    grant = ctx.check(
        Action.READ,
        BUYER_CATEGORIES | {Category.PAYMENT_CARD},
        operation="invoice.read",
        subjects=[row.customer_id],
    )
    name, street, postal_code, city = grant.reveal(Invoice, row, _BUYER_COLUMNS)
    lines = lines_of(ctx.session, row.id)
    paid = row.gross_total if row.status == "paid" else 0
    return InvoiceRead(
        **summary(row).model_dump(),
        order_id=row.order_id,
        subscription_id=row.subscription_id,
        net_total=row.net_total,
        vat_total=row.vat_total,
        paid_at=row.paid_at,
        seller=_stored_seller(ctx, row),
        buyer=Buyer(name=name, street=street, postal_code=postal_code, city=city),
        lines=lines,
        vat_rates=vat_rates(lines),
        amount_paid=paid,
        amount_due=row.gross_total - paid,
        payments=payments_of(grant, invoice_id=row.id),
        retain_until=row.retain_until,
    )


def list_invoices(
    ctx: Context,
    *,
    customer_id: str | None = None,
    status: str | None = None,
    limit: int = 50,
) -> list[InvoiceSummary]:
    customer_id = ctx.actor.whose(customer_id)
    stmt = select(Invoice).order_by(Invoice.issued_at.desc(), Invoice.number.desc()).limit(limit)
    if customer_id:
        stmt = stmt.where(Invoice.customer_id == customer_id)
    if status:
        stmt = stmt.where(Invoice.status == status)
    rows = list(ctx.session.execute(stmt).scalars())
    subjects: list[str | None] = [*sorted({r.customer_id for r in rows})] or [customer_id]
    ctx.check(Action.READ, {BILLING}, operation="invoice.list", subjects=subjects)
    return [summary(r) for r in rows]


def of_order(grant: Grant, order_id: str) -> tuple[PaymentRead | None, InvoiceSummary | None]:
    """The checkout payment and invoice of an order, under the caller's decision."""
    shown = payments_of(grant, order_id=order_id)
    row = grant.ctx.session.execute(select(Invoice).where(Invoice.order_id == order_id)).scalar()
    return (shown[0] if shown else None), (summary(row) if row else None)
