"""The customer's boxes in a data-subject export (B01): registry entries and whether a PIN
and password are set (never the hashes). Activity is pseudonymous and summarized elsewhere."""

from __future__ import annotations

from typing import Any

from imbplus.devices import credentials, service
from imbplus.privacy import exports
from imbplus.privacy.access import Context


def _export(ctx: Context, customer_id: str) -> dict[str, Any]:
    boxes = service.customer_devices(ctx, customer_id)
    state = credentials.stb_credentials_status(ctx, customer_id)
    return {
        "boxes": [b.model_dump(mode="json") for b in boxes],
        "stb_protection": state.model_dump(mode="json"),
    }


exports.register_export("set_top_boxes", _export)
