"""Postpaid credit decision (P03 `credit`): from payment history only, with reasons.

Uses invoices and payments (billing records) and the account status; nothing else about
the person. The same reasons are shown to staff and to the customer.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from imbplus.billing.models import Invoice, Payment
from imbplus.billing.schemas import CreditDecision, CreditReason
from imbplus.clock import clock, local_day
from imbplus.customers import service as customers
from imbplus.errors import PurposeRequired
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category, Purpose

MIN_PAID_INVOICES = 3
MIN_TENURE_DAYS = 90
MAX_FAILED_CHARGES = 1
FAILURE_WINDOW_DAYS = 180


def decide(ctx: Context, customer_id: str) -> CreditDecision:
    if ctx.purpose is not Purpose.CREDIT:
        raise PurposeRequired(
            "a credit decision is made for the credit purpose only", purpose=ctx.purpose.value
        )
    ctx.check(
        Action.READ, {Category.BILLING_RECORD}, operation="credit.decide", subjects=[customer_id]
    )
    status = customers.status_of(ctx, customer_id)
    now = clock.now()
    paid, tenure, overdue, failed = _history(ctx.session, customer_id, now)
    reasons = [
        CreditReason(
            code="account_active",
            met=status == "active",
            detail=f"account status: {status}",
        ),
        CreditReason(
            code="payment_history",
            met=paid >= MIN_PAID_INVOICES,
            detail=f"{paid} paid invoices (at least {MIN_PAID_INVOICES} needed)",
        ),
        CreditReason(
            code="tenure",
            met=tenure >= MIN_TENURE_DAYS,
            detail=f"paying for {tenure} days (at least {MIN_TENURE_DAYS} needed)",
        ),
        CreditReason(
            code="no_overdue_invoices",
            met=overdue == 0,
            detail=f"{overdue} unpaid invoices past their due date",
        ),
        CreditReason(
            code="few_failed_charges",
            met=failed <= MAX_FAILED_CHARGES,
            detail=f"{failed} declined or failed charges in {FAILURE_WINDOW_DAYS} days "
            f"(at most {MAX_FAILED_CHARGES})",
        ),
    ]
    eligible = all(r.met for r in reasons)
    ctx.note("credit.decided", subject=customer_id, categories="billing_record")
    return CreditDecision(
        customer_id=customer_id, eligible=eligible, decided_at=now, reasons=reasons
    )


def _history(session: Session, customer_id: str, now: datetime) -> tuple[int, int, int, int]:
    """Paid invoices, days since the first payment, unpaid invoices past due, and failed
    charges of the last FAILURE_WINDOW_DAYS."""
    paid, first_paid = session.execute(
        select(func.count(), func.min(Invoice.paid_at)).where(
            Invoice.customer_id == customer_id, Invoice.status == "paid"
        )
    ).one()
    overdue = session.execute(
        select(func.count()).where(
            Invoice.customer_id == customer_id,
            Invoice.status == "unpaid",
            Invoice.due_date < local_day(now),
        )
    ).scalar_one()
    failed = session.execute(
        select(func.count()).where(
            Payment.customer_id == customer_id,
            Payment.status != "approved",
            Payment.created_at >= now - timedelta(days=FAILURE_WINDOW_DAYS),
        )
    ).scalar_one()
    tenure = (now - first_paid).days if first_paid is not None else 0
    return int(paid), tenure, int(overdue), int(failed)
