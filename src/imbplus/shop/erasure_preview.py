"""What an erasure request would keep, and why (B01, P13): the same answer the erasure
itself gives (`shop.erasure`), before anything is done."""

from __future__ import annotations

from fastapi import APIRouter

from imbplus.billing.schemas import ErasureAnswer, KeptRecord
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category
from imbplus.shop import erasure
from imbplus.web.deps import ApiContext
from imbplus.web.guards import STAFF_API
from imbplus.web.responses import API_ERRORS

router = APIRouter(prefix="/api/v1", tags=["billing"], responses=API_ERRORS, dependencies=STAFF_API)


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


@router.get("/customers/{customer_id}/erasure-preview")
def erasure_preview(ctx: ApiContext, customer_id: str) -> ErasureAnswer:
    """What an erasure would destroy and what the law makes us keep, until when."""
    return erasure_answer(ctx, customer_id)
