"""What an erasure request would keep, and why (B01, P13): the same answer the erasure
itself gives (`billing.erasure`), before anything is done."""

from __future__ import annotations

from imbplus.billing import erasure
from imbplus.billing.schemas import ErasureAnswer, KeptRecord
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category


def erasure_answer(ctx: Context, customer_id: str) -> ErasureAnswer:
    ctx.check(
        Action.READ,
        {Category.BILLING_RECORD, Category.SHIPMENT_RECORD},
        operation="erasure.preview",
        subjects=[customer_id],
    )
    return ErasureAnswer(
        customer_id=customer_id,
        erased=["customer record: name, e-mail, phone, address", *erasure.ERASED],
        kept=[
            KeptRecord(kind=k.category, what=k.what, kept_until=k.until, legal_basis=k.legal_basis)
            for k in erasure.kept(ctx, customer_id)
        ],
    )
