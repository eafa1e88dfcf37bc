"""Retention of the box registry's personal part (P13): a box's last seen address.

The registry entry itself is equipment (serial, model, status) and stays; the address a box
last called from is cleared once the box has not been seen for `device_last_ip_days`. The
install address and the link to the customer go with the customer's erasure
(`devices.erasure`), which the customer rule of the schedule runs.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func

from imbplus.clock import clock
from imbplus.devices.models import Device
from imbplus.privacy import retention_rules
from imbplus.privacy.catalog import Category

RULE = "devices.last_ip"


def expired(cutoff: datetime, held: frozenset[str]) -> ColumnElement[bool]:
    """Boxes holding a last address and not seen since `cutoff` (nor changed since)."""
    old = Device.last_ip_ct.is_not(None) & (
        func.coalesce(Device.last_seen_at, Device.updated_at) < cutoff
    )
    if held:
        old = old & (Device.customer_id.is_(None) | Device.customer_id.not_in(sorted(held)))
    return old


def _cleared() -> dict[str, object]:
    return {"last_ip_ct": None, "version": Device.version + 1, "updated_at": clock.now()}


retention_rules.register(
    retention_rules.Rule(
        name=RULE,
        category=Category.STB_DEVICE,
        period=lambda s: timedelta(days=s.device_last_ip_days),
        legal_basis="service delivery and support (P03, GDPR art. 6(1)(b)): a box's last "
        "address helps only while it is recent",
        description="The encrypted address a box last called from, cleared when the box "
        "has not been seen for device_last_ip_days.",
        purge=retention_rules.purge_rows(
            Device, expired, Category.STB_DEVICE, "device.last_ip_purge", clear=_cleared
        ),
    )
)
