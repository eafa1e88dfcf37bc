"""The customer's STB password and parental PIN (P14): stored only as argon2id hashes, which
the box itself fetches to check what is typed on it (`service.provisioning`)."""

from __future__ import annotations

from imbplus.auth import passwords
from imbplus.clock import clock
from imbplus.customers import service as customers
from imbplus.devices.models import StbCredentials
from imbplus.devices.schemas import StbCredentialsSet, StbCredentialsStatus
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category

CREDS = frozenset({Category.ACCOUNT_CREDENTIALS})
DEV = frozenset({Category.STB_DEVICE})


def set_stb_credentials(
    ctx: Context, customer_id: str, data: StbCredentialsSet
) -> StbCredentialsStatus:
    ctx.check(Action.WRITE, CREDS, operation="stb_credentials.set", subjects=[customer_id])
    customers.data_key_id(ctx, customer_id)  # the customer exists and is not erased
    row = ctx.session.get(StbCredentials, customer_id)
    now = clock.now()
    if row is None:
        row = StbCredentials(customer_id=customer_id, version=0, updated_at=now)
        ctx.session.add(row)
    if data.pin is not None:
        row.pin_hash = passwords.hash_secret(data.pin)
    if data.password is not None:
        row.password_hash = passwords.hash_secret(data.password)
    row.version += 1
    row.updated_at = now
    ctx.session.flush()
    changed = ",".join(k for k in ("pin", "password") if getattr(data, k) is not None)
    ctx.note("stb_credentials.changed", subject=customer_id, reason=changed)
    return _status(row)


def _status(row: StbCredentials | None) -> StbCredentialsStatus:
    if row is None:
        return StbCredentialsStatus(pin_set=False, password_set=False, updated_at=None)
    return StbCredentialsStatus(
        pin_set=row.pin_hash is not None,
        password_set=row.password_hash is not None,
        updated_at=row.updated_at,
    )


def stb_credentials_status(ctx: Context, customer_id: str) -> StbCredentialsStatus:
    """Whether a PIN and a password are set (never the hashes)."""
    ctx.check(Action.READ, DEV, operation="stb_credentials.status", subjects=[customer_id])
    return _status(ctx.session.get(StbCredentials, customer_id))
