"""Shipment notices (P08): the recipient hears of each status by e-mail and SMS, in the
words below, and the contact data given for the shipment serves nothing else."""

from __future__ import annotations

from typing import Any

from imbplus.notify import outbox
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Category
from imbplus.shipping.models import Shipment

STATUS_PL = {
    "created": "przygotowana do wysyłki",
    "handed_over": "przekazana przewoźnikowi",
    "in_transit": "w drodze",
    "delivered": "doręczona",
    "returned": "zwrócona do nadawcy",
    "lost": "zaginiona (skontaktujemy się z Tobą)",
}


def send(ctx: Context, row: Shipment, key_id: int, phone: str, email: str) -> None:
    """Tell the recipient the shipment's status by e-mail and SMS (through the outbox; the
    caller passed the gate for the contact data, sealed under `key_id`)."""
    label = STATUS_PL[row.status]
    text = (
        f"IMB+: przesyłka {row.parcel_id} jest {label}. "
        f"Status: https://imb-iptv.example/przesylki/{row.parcel_id}"
    )
    body = (
        "Dzień dobry,\n\n"
        f"Twoja przesyłka {row.parcel_id} z IMB+ jest {label}.\n\n"
        "Dane kontaktowe z zamówienia służą wyłącznie do informowania o przesyłce.\n"
        "Pozdrawiamy,\nIMB+\n"
    )
    reference = f"shipment:{row.id}:{row.status}"
    common: dict[str, Any] = {
        "customer_id": row.customer_id,
        "key_id": key_id,
        "reference": reference,
        "category": Category.SHIPMENT_CONTACT,
    }
    outbox.enqueue(
        ctx,
        channel="email",
        recipient=email,
        subject=f"IMB+: przesyłka {row.parcel_id} – {label}",
        body=body,
        **common,
    )
    outbox.enqueue(ctx, channel="sms", recipient=phone, subject="", body=text, **common)
