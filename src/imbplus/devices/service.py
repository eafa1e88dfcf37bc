"""Set-top box registry (P02) and device tokens.

Install address and last IP are encrypted under the assigned customer's data key. Each
assignment period has its own random pseudonym secret, also under the customer's key:
telemetry is stored under HMAC(secret, device id), so erasing the customer (destroying the
key) leaves no way to link any stored event to the box or the person (`pseudonyms.py`,
`erasure.py`). The customer's STB password and PIN are in `credentials.py`.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Sequence

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from imbplus.auth import generations, sessions
from imbplus.clock import clock
from imbplus.customers import service as customers
from imbplus.customers.schemas import Address
from imbplus.devices import pseudonyms
from imbplus.devices import validation as v
from imbplus.devices.credentials import (  # the routes call them from here
    set_stb_credentials as set_stb_credentials,
)
from imbplus.devices.credentials import (
    stb_credentials_status as stb_credentials_status,
)
from imbplus.devices.models import (
    REFUSED_STATUSES,
    Device,
    DeviceAssignment,
    DeviceToken,
    StbCredentials,
)
from imbplus.devices.schemas import (
    AssignmentRead,
    DeviceAssign,
    DeviceCreate,
    DeviceListItem,
    DeviceLookup,
    DevicePage,
    DeviceRead,
    DeviceUpdate,
    Provisioning,
    TokenIssued,
)
from imbplus.errors import Conflict, NotFound, ValidationFailed
from imbplus.paging import after_cursor, is_uuid, split_page
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category
from imbplus.privacy.crypto import SCOPE_SYSTEM
from imbplus.privacy.reveal import Grant

TABLE = "devices"
TOKEN_PREFIX = "imbdv_"  # noqa: S105 - a prefix, not a secret
MAX_PAGE = 100
DEV = frozenset({Category.STB_DEVICE})
DEV_FULL = frozenset({Category.STB_DEVICE, Category.ADDRESS})
CREDS = frozenset({Category.ACCOUNT_CREDENTIALS})
# status changes staff may make; "retired" is final
TRANSITIONS: dict[str, frozenset[str]] = {
    "in_stock": frozenset({"shipped", "active", "retired"}),
    "shipped": frozenset({"active", "returned", "in_stock"}),
    "active": frozenset({"suspended", "returned"}),
    "suspended": frozenset({"active", "returned"}),
    "returned": frozenset({"in_stock", "retired"}),
    "retired": frozenset(),
}


def _problem(field: str, problem: str) -> ValidationFailed:
    return ValidationFailed([{"field": field, "problem": problem}])


def _load(ctx: Context, device_id: str) -> Device:
    row = ctx.session.get(Device, device_id) if is_uuid(device_id) else None
    if row is None:
        raise NotFound("no device with this id", device=device_id[:64])
    return row


def _list_item(row: Device) -> DeviceListItem:
    return DeviceListItem(
        id=row.id,
        serial=row.serial,
        mac=row.mac,
        model=row.model,
        firmware=row.firmware,
        status=row.status,
        customer_id=row.customer_id,
        region=row.region,
        last_seen_at=row.last_seen_at,
    )


def _read(grant: Grant, row: Device) -> DeviceRead:
    """The record with what it holds sealed, revealed under the caller's decision."""
    sealed = [c for c in ("install_address_ct", "last_ip_ct") if getattr(row, c) is not None]
    values = dict(zip(sealed, grant.reveal(Device, row, sealed), strict=True))
    address = values.get("install_address_ct")
    return DeviceRead(
        **_list_item(row).model_dump(),
        install_address=Address(**json.loads(address)) if address else None,
        last_ip=values.get("last_ip_ct"),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _seal(ctx: Context, row: Device, column: str, value: str) -> bytes:
    return ctx.keyring.seal(ctx.session, row.key_id, TABLE, column, row.id, value)


def _subjects(row: Device) -> list[str | None]:
    return [row.customer_id]


def _flush_unique(ctx: Context) -> None:
    try:
        with ctx.session.begin_nested():
            ctx.session.flush()
    except IntegrityError:
        raise Conflict("a device with this serial or MAC already exists", field="serial") from None


# -- registry ------------------------------------------------------------------------------
def register(ctx: Context, data: DeviceCreate) -> DeviceRead:
    grant = ctx.check(Action.WRITE, DEV, operation="device.register")
    taken = ctx.session.execute(
        select(Device.id).where(or_(Device.serial == data.serial, Device.mac == data.mac))
    ).first()
    if taken:
        raise Conflict("a device with this serial or MAC already exists", field="serial")
    now = clock.now()
    row = Device(
        id=str(uuid.uuid4()),
        serial=data.serial,
        mac=data.mac,
        model=data.model,
        firmware=data.firmware,
        status="in_stock",
        key_id=ctx.keyring.system_key(ctx.session, SCOPE_SYSTEM),
        version=1,
        created_at=now,
        updated_at=now,
    )
    ctx.session.add(row)
    _flush_unique(ctx)
    ctx.note("device.registered", reason=f"device:{row.id}")
    return _read(grant, row)


def get(ctx: Context, device_id: str) -> DeviceRead:
    row = _load(ctx, device_id)
    grant = ctx.check(Action.READ, DEV_FULL, operation="device.read", subjects=_subjects(row))
    return _read(grant, row)


def lookup(ctx: Context, query: DeviceLookup) -> list[DeviceListItem]:
    """Exact match on serial or MAC (console search)."""
    ctx.check(Action.READ, DEV, operation="device.lookup")
    column, value = (Device.serial, query.serial) if query.serial else (Device.mac, query.mac)
    rows = list(ctx.session.execute(select(Device).where(column == value)).scalars())
    return _reveal_list(ctx, rows, "device.lookup")


def _reveal_list(ctx: Context, rows: Sequence[Device], operation: str) -> list[DeviceListItem]:
    owners = sorted({r.customer_id for r in rows if r.customer_id})
    if owners:
        ctx.check(Action.READ, DEV, operation=operation, subjects=owners)
    return [_list_item(r) for r in rows]


def list_page(
    ctx: Context,
    *,
    status: str | None = None,
    customer_id: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> DevicePage:
    ctx.check(Action.READ, DEV, operation="device.list")
    stmt = select(Device).order_by(Device.created_at, Device.id).limit(limit + 1)
    if status:
        stmt = stmt.where(Device.status == status)
    if customer_id:
        stmt = stmt.where(Device.customer_id == customer_id)
    stmt = after_cursor(stmt, Device.created_at, Device.id, cursor)
    page, next_cursor = split_page(list(ctx.session.execute(stmt).scalars()), limit)
    return DevicePage(items=_reveal_list(ctx, page, "device.list"), next_cursor=next_cursor)


def update_device(ctx: Context, device_id: str, patch: DeviceUpdate) -> DeviceListItem:
    row = _load(ctx, device_id)
    ctx.check(Action.WRITE, DEV, operation="device.update", subjects=_subjects(row))
    if patch.status is not None and patch.status != row.status:
        if patch.status not in TRANSITIONS[row.status]:
            raise _problem("status", f"a {row.status} box cannot become {patch.status}")
        if patch.status in ("returned", "in_stock", "retired") and row.customer_id:
            end_assignment(ctx, row)
        if patch.status in REFUSED_STATUSES:
            ctx.note("device.refused_from_now", subject=row.customer_id, reason=patch.status)
        row.status = patch.status
    if patch.firmware is not None:
        row.firmware = patch.firmware
    row.version += 1
    row.updated_at = clock.now()
    ctx.note("device.updated", subject=row.customer_id, reason=f"device:{row.id}")
    forget_tokens(ctx, row.id)  # a new status applies to the next batch
    return _list_item(row)


# -- assignments ---------------------------------------------------------------------------
def assign(ctx: Context, device_id: str, data: DeviceAssign) -> DeviceRead:
    """Give the box to a customer: new assignment period, new pseudonym secret, address
    encrypted under the customer's own key."""
    row = _load(ctx, device_id)
    grant = ctx.check(
        Action.WRITE, DEV_FULL, operation="device.assign", subjects=[data.customer_id]
    )
    if row.status in ("retired", "suspended"):
        raise _problem("status", f"a {row.status} box cannot be assigned")
    key_id = customers.data_key_id(ctx, data.customer_id)  # NotFound / Erased
    if row.customer_id:
        end_assignment(ctx, row)
    now = clock.now()
    period = DeviceAssignment(
        device_id=row.id, customer_id=data.customer_id, started_at=now, ended_at=None
    )
    ctx.session.add(period)
    ctx.session.flush()
    period.pseudonym_secret_ct = ctx.keyring.seal(
        ctx.session,
        key_id,
        "device_assignments",
        "pseudonym_secret_ct",
        str(period.id),
        secrets.token_hex(32),
    )
    row.customer_id = data.customer_id
    row.key_id = key_id
    row.install_address_ct = _seal(
        ctx, row, "install_address_ct", json.dumps(data.install_address.model_dump())
    )
    row.region = v.region_of(data.install_address.postal_code)
    row.last_ip_ct = None
    if row.status in ("in_stock", "returned"):
        row.status = "shipped"
    row.version += 1
    row.updated_at = now
    ctx.note("device.assigned", subject=data.customer_id, reason=f"device:{row.id}")
    return _read(grant, row)


def end_assignment(ctx: Context, row: Device) -> None:
    """Close the box's open assignment period; it belongs to nobody from now on."""
    now = clock.now()
    ctx.session.execute(
        update(DeviceAssignment)
        .where(DeviceAssignment.device_id == row.id, DeviceAssignment.ended_at.is_(None))
        .values(ended_at=now)
    )
    ctx.note("device.unassigned", subject=row.customer_id, reason=f"device:{row.id}")
    row.customer_id = None
    row.install_address_ct = None
    row.last_ip_ct = None
    row.region = None
    row.key_id = ctx.keyring.system_key(ctx.session, SCOPE_SYSTEM)


def history(ctx: Context, device_id: str) -> list[AssignmentRead]:
    row = _load(ctx, device_id)
    periods = list(
        ctx.session.execute(
            select(DeviceAssignment)
            .where(DeviceAssignment.device_id == row.id)
            .order_by(DeviceAssignment.started_at)
        ).scalars()
    )
    owners: list[str | None] = [*sorted({p.customer_id for p in periods})] or [None]
    ctx.check(Action.READ, DEV, operation="device.history", subjects=owners)
    return [
        AssignmentRead(customer_id=p.customer_id, started_at=p.started_at, ended_at=p.ended_at)
        for p in periods
    ]


def customer_devices(ctx: Context, customer_id: str) -> list[DeviceListItem]:
    ctx.check(Action.READ, DEV, operation="device.list", subjects=[customer_id])
    rows = ctx.session.execute(
        select(Device).where(Device.customer_id == customer_id).order_by(Device.created_at)
    ).scalars()
    return [_list_item(r) for r in rows]


# -- device tokens -------------------------------------------------------------------------
def issue_token(ctx: Context, device_id: str) -> TokenIssued:
    """A new telemetry token for the box; every older token is revoked (rotation)."""
    row = _load(ctx, device_id)
    ctx.check(Action.WRITE, DEV, operation="device.token_issue", subjects=_subjects(row))
    if row.status in REFUSED_STATUSES:
        raise _problem("status", f"a {row.status} box gets no token")
    _revoke(ctx, row)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ctx.session.add(
        DeviceToken(
            device_id=row.id,
            token_hash=sessions.token_hash(token),
            prefix=token[:12],
            created_at=clock.now(),
        )
    )
    ctx.note("device.token_issued", subject=row.customer_id, reason=f"device:{row.id}")
    return TokenIssued(device_id=row.id, token=token, prefix=token[:12])


def revoke_tokens(ctx: Context, device_id: str) -> int:
    row = _load(ctx, device_id)
    ctx.check(Action.WRITE, DEV, operation="device.token_revoke", subjects=_subjects(row))
    count = _revoke(ctx, row)
    ctx.note("device.tokens_revoked", subject=row.customer_id, reason=f"device:{row.id}")
    return count


def _revoke(ctx: Context, row: Device) -> int:
    result = ctx.session.execute(
        update(DeviceToken)
        .where(DeviceToken.device_id == row.id, DeviceToken.revoked_at.is_(None))
        .values(revoked_at=clock.now())
    )
    forget_tokens(ctx, row.id)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def forget_tokens(ctx: Context, device_id: str) -> None:
    """Every worker's token cache drops the box: this one now, the others (and other hosts)
    within `telemetry_revocation_poll_s` of the commit."""
    from imbplus.devices import tokens

    generations.bump(ctx.session, generations.DEVICE_TOKENS)
    tokens.forget_device(device_id)


# -- pseudonyms (see pseudonyms.py) ---------------------------------------------------------
def activity_pseudonyms(ctx: Context, device_id: str) -> list[int]:
    """Every pseudonym the box had while it belonged to a customer we still know (support
    reading one box's health; the DPO answering an access request)."""
    return pseudonyms.linked(ctx, _load(ctx, device_id))


def record_seen(ctx: Context, device_id: str, address: str | None) -> None:
    row = ctx.session.get(Device, device_id)
    if row is None:
        return
    row.last_seen_at = clock.now()
    if address:
        row.last_ip_ct = _seal(ctx, row, "last_ip_ct", address)


def provisioning(ctx: Context, device_id: str) -> Provisioning:
    """For the box itself (device-token channel): the hashes it checks the PIN against."""
    row = _load(ctx, device_id)
    creds = None
    if row.customer_id:
        ctx.check(Action.READ, CREDS, operation="device.provisioning", subjects=[row.customer_id])
        creds = ctx.session.get(StbCredentials, row.customer_id)
    return Provisioning(
        device_id=row.id,
        status=row.status,
        pin_hash=creds.pin_hash if creds else None,
        password_hash=creds.password_hash if creds else None,
        credentials_version=creds.version if creds else 0,
    )


def customers_with_box(session: Session) -> set[str]:
    """Customers who have a box (shipped or in use): ids only, nothing personal."""
    rows = session.execute(
        select(Device.customer_id)
        .where(Device.customer_id.is_not(None), Device.status.in_(("shipped", "active")))
        .distinct()
    ).scalars()
    return {customer_id for customer_id in rows if customer_id}
