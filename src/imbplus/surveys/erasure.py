"""Erasing a customer (B01, P13): their survey answers stop being theirs.

The free texts were encrypted under the customer's key and become unreadable with it; the
responses are unlinked (no customer id), so the typed answers (postal code, age, ...) stay
only as anonymous contributions to aggregates. Pending invitations and the opt-out go too.
"""

from __future__ import annotations

from sqlalchemy import delete, update

from imbplus.privacy import erasure
from imbplus.privacy.access import Context
from imbplus.surveys.models import Answer, Invitation, OptOut, Response


def _erase(ctx: Context, customer_id: str) -> list[erasure.Kept]:
    mine = Response.customer_id == customer_id
    responses = [
        r
        for (r,) in ctx.session.execute(
            Response.__table__.select().with_only_columns(Response.id).where(mine)
        )
    ]
    if responses:
        ctx.session.execute(
            update(Answer).where(Answer.response_id.in_(responses)).values(text_ct=None)
        )
    ctx.session.execute(update(Response).where(mine).values(customer_id=None))
    ctx.session.execute(delete(Invitation).where(Invitation.customer_id == customer_id))
    ctx.session.execute(delete(OptOut).where(OptOut.customer_id == customer_id))
    return []


erasure.register("surveys", _erase)
