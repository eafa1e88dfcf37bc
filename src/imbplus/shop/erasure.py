"""Erasure of a customer (B01) in the shop, billing and shipments.

Runs inside the erasing unit of work, before the customer's key is destroyed: saved cards
lose their own keys, active subscriptions end. Kept (and named in the answer): invoices for
tax law and sealed shipment records as proof of service, each until its period ends; their
name and address are copies under retention keys that erasure does not destroy.
"""

from __future__ import annotations

from sqlalchemy import func, select

from imbplus.billing import cards
from imbplus.billing.models import Invoice
from imbplus.privacy import erasure
from imbplus.privacy.access import Context
from imbplus.shipping import service as shipping
from imbplus.shop import subscriptions

INVOICE_BASIS = (
    "tax law: invoices are kept 5 years from the end of the year they were issued "
    "(Ordynacja podatkowa art. 86 § 1, ustawa o VAT art. 112)"
)
SHIPMENT_BASIS = (
    "proof of service (P13): sealed shipment records (recipient name and address, status "
    "history) are kept for the period of claims about the delivery"
)
ERASED = [
    "saved cards: number, expiry and provider token (their own keys are destroyed)",
    "active subscriptions end",
    "shipment contact data (phone, e-mail) and notices not yet sent",
    "masked card numbers shown with payments",
]


def kept(ctx: Context, customer_id: str) -> list[erasure.Kept]:
    out = []
    count, until = ctx.session.execute(
        select(func.count(), func.max(Invoice.retain_until)).where(
            Invoice.customer_id == customer_id
        )
    ).one()
    if count:
        out.append(
            erasure.Kept(
                "billing_record", f"{count} invoices (buyer name and address)", INVOICE_BASIS, until
            )
        )
    sealed, sealed_until = shipping.kept_for_proof(ctx, customer_id)
    if sealed:
        out.append(
            erasure.Kept(
                "shipment_record",
                f"{sealed} sealed shipment records",
                SHIPMENT_BASIS,
                sealed_until.date() if sealed_until else None,
            )
        )
    return out


def _erase(ctx: Context, customer_id: str) -> list[erasure.Kept]:
    cards.forget_all(ctx, customer_id)
    subscriptions.end_all(ctx.session, customer_id)
    return kept(ctx, customer_id)


erasure.register("shop_billing_shipping", _erase)
