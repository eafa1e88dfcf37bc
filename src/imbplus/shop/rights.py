"""Orders, invoices, saved cards (masked) and shipments in a data-subject export (B01)."""

from __future__ import annotations

from typing import Any

from imbplus.billing import cards, invoices
from imbplus.privacy import exports
from imbplus.privacy.access import Context
from imbplus.shipping import service as shipping
from imbplus.shop import orders


def _export(ctx: Context, customer_id: str) -> dict[str, Any]:
    invoice_list = invoices.list_invoices(ctx, customer_id=customer_id, limit=1000)
    shipment_list = shipping.list_shipments(ctx, customer_id=customer_id, limit=1000)
    return {
        "orders": [
            o.model_dump(mode="json", exclude={"replayed"})
            for o in orders.list_orders(ctx, customer_id=customer_id, limit=1000)
        ],
        "invoices": [invoices.get(ctx, i.id).model_dump(mode="json") for i in invoice_list],
        "cards": [c.model_dump(mode="json") for c in cards.list_cards(ctx, customer_id)],
        "shipments": [shipping.get(ctx, s.id).model_dump(mode="json") for s in shipment_list],
    }


exports.register_export("shop", _export)
