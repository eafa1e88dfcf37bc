"""Retention of the portal's one-time links (P13): gone 30 days after they stopped working.

A link to confirm a new e-mail address holds that address (encrypted); a link that was
never followed must not keep it for good.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select

from imbplus.portal.models import PortalToken
from imbplus.privacy import retention_rules
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Category


def _links(ctx: Context, cutoff: datetime, held: frozenset[str], dry_run: bool) -> int:
    old = PortalToken.expires_at < cutoff
    if held:
        old = old & PortalToken.customer_id.not_in(held)
    if dry_run:
        return int(
            ctx.session.execute(
                select(func.count()).select_from(PortalToken).where(old)
            ).scalar_one()
        )
    return int(ctx.session.execute(delete(PortalToken).where(old)).rowcount or 0)  # type: ignore[attr-defined]


retention_rules.register(
    retention_rules.Rule(
        name="portal.links",
        category=Category.ACCOUNT_CREDENTIALS,
        period=retention_rules.days(30),
        legal_basis="security (P12): one-time links are kept 30 days after expiry for "
        "incident review",
        description="Registration, password-reset and e-mail-change links (hashes; a new "
        "address encrypted), 30 days after they expired.",
        purge=_links,
    )
)
