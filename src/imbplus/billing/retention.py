"""What an erasure request would keep, and why (B01, P13).

Erasure destroys the customer's own keys (their record, saved cards, shipment contact,
queued messages, masked card numbers of payments). Records the law makes us keep hold their
own copy of name and address under a retention key, so they survive until their period
ends: invoices (tax law) and sealed shipment records (proof of service).
"""

from __future__ import annotations

from sqlalchemy import func, select

from imbplus.billing.models import Invoice
from imbplus.billing.schemas import ErasureAnswer, KeptRecord
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category
from imbplus.shipping import service as shipping

INVOICE_BASIS = (
    "Tax law: invoices are kept for 5 years from the end of the year they were issued "
    "(Ordynacja podatkowa art. 86 § 1, ustawa o VAT art. 112); name and address on them "
    "cannot be erased before."
)
SHIPMENT_BASIS = (
    "Proof of service (P13): sealed shipment records (recipient name and address, status "
    "history) are kept for the retention period of claims about the delivery, then purged."
)
ERASED = [
    "customer record: name, e-mail, phone, address",
    "saved cards: number, expiry and provider token (their keys are destroyed)",
    "shipment contact data: phone and e-mail",
    "notifications not yet sent",
    "masked card numbers shown with payments",
]


def erasure_answer(ctx: Context, customer_id: str) -> ErasureAnswer:
    ctx.check(
        Action.READ,
        {Category.BILLING_RECORD, Category.SHIPMENT_RECORD},
        operation="erasure.preview",
        subjects=[customer_id],
    )
    s = ctx.session
    invoices, invoices_until = s.execute(
        select(func.count(), func.max(Invoice.retain_until)).where(
            Invoice.customer_id == customer_id
        )
    ).one()
    sealed, sealed_until = shipping.kept_for_proof(ctx, customer_id)
    kept = []
    if invoices:
        kept.append(
            KeptRecord(
                kind="invoices",
                count=invoices,
                kept_until=invoices_until,
                legal_basis=INVOICE_BASIS,
            )
        )
    if sealed:
        kept.append(
            KeptRecord(
                kind="sealed_shipments",
                count=sealed,
                kept_until=sealed_until.date() if sealed_until else None,
                legal_basis=SHIPMENT_BASIS,
            )
        )
    return ErasureAnswer(customer_id=customer_id, erased=ERASED, kept=kept)
