"""Keys for records the law makes us keep beyond a customer's erasure (P13, B01).

Invoices (tax law) and sealed shipment records (proof of service) hold their own copy of
the name and address, encrypted under a key per record kind and year
(`scope="retention"`, `owner_ref="<kind>:<year>"`) instead of the customer's key. Erasing a
customer destroys the customer's keys but not these; the retention purge destroys a year's
key once every record under it has passed its period.
"""

from __future__ import annotations

from sqlalchemy import select

from imbplus.privacy.access import Context
from imbplus.privacy.models import DataKey

SCOPE_RETENTION = "retention"
SCOPE_CARD = "card"
_CACHE = "imbplus.retention_keys"


def retention_key(ctx: Context, kind: str, year: int) -> int:
    owner = f"{kind}:{year}"
    cache: dict[str, int] = ctx.session.info.setdefault(_CACHE, {})
    if owner in cache:
        return cache[owner]
    key_id = ctx.session.execute(
        select(DataKey.id)
        .where(
            DataKey.scope == SCOPE_RETENTION,
            DataKey.owner_ref == owner,
            DataKey.state == "active",
        )
        .order_by(DataKey.id)
        .limit(1)
    ).scalar()
    if key_id is None:
        key_id = ctx.keyring.create(ctx.session, SCOPE_RETENTION, owner_ref=owner)
    cache[owner] = key_id
    return key_id


def shred_retention_keys(ctx: Context, kind: str, year: int) -> int:
    """Destroy a year's keys of one record kind (after its records were purged)."""
    ids = list(
        ctx.session.execute(
            select(DataKey.id).where(
                DataKey.scope == SCOPE_RETENTION,
                DataKey.owner_ref == f"{kind}:{year}",
                DataKey.state == "active",
            )
        ).scalars()
    )
    for key_id in ids:
        ctx.keyring.shred(ctx.session, key_id)
    ctx.session.info.pop(_CACHE, None)
    return len(ids)
