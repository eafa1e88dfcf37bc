"""Erasing a customer closes their portal account, ends their sessions and drops their
one-time links (a pending new e-mail address among them)."""

from __future__ import annotations

from sqlalchemy import delete

from imbplus.auth import sessions
from imbplus.portal.models import CustomerAccount, PortalToken
from imbplus.privacy import erasure
from imbplus.privacy.access import Context


def _erase(ctx: Context, customer_id: str) -> list[erasure.Kept]:
    sessions.end_all(ctx.session, "customer", customer_id)
    ctx.session.execute(delete(CustomerAccount).where(CustomerAccount.customer_id == customer_id))
    ctx.session.execute(delete(PortalToken).where(PortalToken.customer_id == customer_id))
    return []


erasure.register("portal", _erase)
