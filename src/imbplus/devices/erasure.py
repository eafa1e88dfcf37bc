"""Erasing a customer ends their boxes' assignments and unlinks their activity (P13)."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from imbplus.clock import clock
from imbplus.devices import service
from imbplus.devices.models import Device, DeviceAssignment, StbCredentials
from imbplus.privacy import erasure
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category


def forget_customer(ctx: Context, customer_id: str) -> int:
    """Part of erasing a customer: end their assignments, destroy every pseudonym secret of
    theirs (no telemetry row can be linked to them any more), drop their STB secrets."""
    ctx.check(
        Action.DELETE,
        {Category.STB_DEVICE, Category.STB_ACTIVITY, Category.ACCOUNT_CREDENTIALS},
        operation="device.forget_customer",
        subjects=[customer_id],
    )
    for row in ctx.session.execute(
        select(Device).where(Device.customer_id == customer_id)
    ).scalars():
        service.end_assignment(ctx, row)
        row.status = "returned" if row.status not in ("retired",) else row.status
        row.updated_at = clock.now()
        service.forget_tokens(ctx, row.id)
    periods = ctx.session.execute(
        update(DeviceAssignment)
        .where(DeviceAssignment.customer_id == customer_id)
        .values(pseudonym_secret_ct=None)
    )
    ctx.session.execute(delete(StbCredentials).where(StbCredentials.customer_id == customer_id))
    count = int(periods.rowcount or 0)  # type: ignore[attr-defined]
    ctx.note(
        "telemetry.unlinked",
        subject=customer_id,
        categories="stb_activity",
        reason=f"pseudonym secrets destroyed: {count}",
    )
    return count


def _erase(ctx: Context, customer_id: str) -> list[erasure.Kept]:
    forget_customer(ctx, customer_id)
    return []


erasure.register("devices", _erase)
