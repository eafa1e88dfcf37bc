"""Erasing a customer ends their boxes' assignments and unlinks their activity (P13)."""

from __future__ import annotations

from imbplus.devices import service
from imbplus.privacy import erasure
from imbplus.privacy.access import Context


def _erase(ctx: Context, customer_id: str) -> list[erasure.Kept]:
    service.forget_customer(ctx, customer_id)
    return []


erasure.register("devices", _erase)
