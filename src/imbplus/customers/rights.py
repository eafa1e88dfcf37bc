"""The customer record in a data-subject export (B01)."""

from __future__ import annotations

from typing import Any

from imbplus.customers import service
from imbplus.privacy import exports
from imbplus.privacy.access import Context


def _export(ctx: Context, customer_id: str) -> dict[str, Any]:
    return service.get(ctx, customer_id).model_dump(mode="json")


exports.register_export("customer", _export)
