"""P14: a subscriber whose boxes have no parental PIN or settings password is reminded."""

from __future__ import annotations

from imbplus.devices import credentials, service
from imbplus.portal import reminders
from imbplus.privacy.access import Context


def _stb(ctx: Context, customer_id: str) -> list[reminders.Reminder]:
    if not service.customer_devices(ctx, customer_id):
        return []
    state = credentials.stb_credentials_status(ctx, customer_id)
    if state.pin_set and state.password_set:
        return []
    return [reminders.Reminder("stb.reminder", "/portal/stb")]


reminders.register("stb", _stb)
