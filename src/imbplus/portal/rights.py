"""The portal account in a data-subject export (B01): dates only; never the password hash."""

from __future__ import annotations

from typing import Any

from imbplus.portal.models import CustomerAccount
from imbplus.privacy import exports
from imbplus.privacy.access import Context


def _export(ctx: Context, customer_id: str) -> dict[str, Any]:
    account = ctx.session.get(CustomerAccount, customer_id)
    if account is None:
        return {"has_account": False}
    return {
        "has_account": True,
        "active": account.active,
        "created_at": account.created_at.isoformat(),
        "password_changed_at": account.password_changed_at.isoformat(),
        "last_login_at": account.last_login_at.isoformat() if account.last_login_at else None,
    }


exports.register_export("portal_account", _export)
