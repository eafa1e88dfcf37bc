"""Telemetry pseudonyms (P02, P13): a box's activity is stored under HMAC(secret, device id).

Each assignment period has its own random secret, sealed under the customer's key, so
erasing the customer unlinks every stored event; a box that belongs to nobody uses a
secret derived from the system key. A period's secret is personal data (stb_activity): it
comes out through the gate only, audited against the customer, whoever asks: the box on
the ingest path (once per period and worker, `devices.tokens`), the seeder for a whole
fleet at once, staff linking a box to its activity.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from imbplus.devices.models import Device, DeviceAssignment
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category
from imbplus.privacy.crypto import SCOPE_SYSTEM

SECRET = ("pseudonym_secret_ct",)
_UNASSIGNED = b"imbplus-telemetry-unassigned"
_CHUNK = 5000


def pseudonym(secret: bytes, device_id: str) -> int:
    """64-bit keyed pseudonym of a box for one assignment period."""
    digest = hmac.new(secret, b"imbplus-telemetry|" + device_id.encode(), hashlib.sha256)
    return int.from_bytes(digest.digest()[:8], "big", signed=True)


def current_period(ctx: Context, row: Device) -> DeviceAssignment | None:
    """The box's open assignment period, if it belongs to someone."""
    if not row.customer_id:
        return None
    return ctx.session.execute(
        select(DeviceAssignment)
        .where(DeviceAssignment.device_id == row.id, DeviceAssignment.ended_at.is_(None))
        .order_by(DeviceAssignment.started_at.desc())
        .limit(1)
    ).scalar()


def _unassigned(ctx: Context) -> bytes:
    return ctx.keyring.derive(ctx.session, SCOPE_SYSTEM, _UNASSIGNED)


def secret_of(
    ctx: Context,
    period: DeviceAssignment | None,
    *,
    operation: str = "telemetry.pseudonym",
) -> bytes:
    """Secret of a period (revealed through the gate for `ctx`), or the system one for a box
    that belongs to nobody (stock, returns: nothing personal, nothing to decide)."""
    if period is None or period.pseudonym_secret_ct is None:
        return _unassigned(ctx)
    secret = ctx.reveal_one(
        DeviceAssignment, period, SECRET[0], operation=operation, subject=period.customer_id
    )
    return bytes.fromhex(secret)


def pseudonym_secret(ctx: Context, row: Device) -> bytes:
    """Secret of the box's current period."""
    return secret_of(ctx, current_period(ctx, row))


def current_pseudonyms(ctx: Context, rows: Sequence[Device], *, operation: str) -> list[int]:
    """The current pseudonym of many boxes: one decision of the gate for all their owners,
    one audit record per owner."""
    open_periods: dict[str, DeviceAssignment] = {}
    owned = [r.id for r in rows if r.customer_id]
    for start in range(0, len(owned), _CHUNK):
        for period in ctx.session.execute(
            select(DeviceAssignment)
            .where(
                DeviceAssignment.device_id.in_(owned[start : start + _CHUNK]),
                DeviceAssignment.ended_at.is_(None),
            )
            .order_by(DeviceAssignment.started_at)
        ).scalars():
            open_periods[period.device_id] = period  # the latest one wins, as for one box
    periods = [p for p in open_periods.values() if p.pseudonym_secret_ct is not None]
    secrets: dict[int, bytes] = {}
    if periods:
        owners = sorted({p.customer_id for p in periods})
        opened = ctx.reveal_rows(
            DeviceAssignment, periods, SECRET, operation=operation, subjects=owners
        )
        secrets = {p.id: bytes.fromhex(s) for p, (s,) in zip(periods, opened, strict=True)}
    unassigned = _unassigned(ctx)
    found = []
    for row in rows:
        current = open_periods.get(row.id) if row.customer_id else None
        secret = secrets.get(current.id) if current is not None else None
        found.append(pseudonym(secret or unassigned, row.id))
    return found


def linked(ctx: Context, row: Device) -> list[int]:
    """Every pseudonym the box had while it belonged to its current customer (the current
    one first): one decision of the gate, one audit record."""
    grant = ctx.check(
        Action.READ,
        {Category.STB_ACTIVITY},
        operation="device.activity_link",
        subjects=[row.customer_id],
    )
    current = current_period(ctx, row)
    has_secret = current is not None and current.pseudonym_secret_ct is not None
    periods = [current] if current is not None and has_secret else []
    if row.customer_id:
        periods += ctx.session.execute(
            select(DeviceAssignment).where(
                DeviceAssignment.device_id == row.id,
                DeviceAssignment.customer_id == row.customer_id,
                DeviceAssignment.ended_at.is_not(None),
                DeviceAssignment.pseudonym_secret_ct.is_not(None),
            )
        ).scalars()
    found = [bytes.fromhex(s) for (s,) in grant.reveal_rows(DeviceAssignment, periods, SECRET)]
    if not has_secret:
        found.insert(0, _unassigned(ctx))
    return [pseudonym(secret, row.id) for secret in found]


def owned_boxes(ctx: Context, before: datetime, *, operation: str) -> list[tuple[str, str, int]]:
    """(owner, model, current pseudonym) of every box that belongs to a customer and was
    registered before `before` (aggregate reports: one decision, one record per owner)."""
    rows = list(
        ctx.session.execute(
            select(Device)
            .where(Device.customer_id.is_not(None), Device.created_at < before)
            .order_by(Device.id)
        ).scalars()
    )
    owners = sorted({str(r.customer_id) for r in rows})
    ctx.check(Action.READ, {Category.STB_DEVICE}, operation=operation, subjects=owners or [None])
    found = current_pseudonyms(ctx, rows, operation=operation)
    return [(str(r.customer_id), r.model, p) for r, p in zip(rows, found, strict=True)]
