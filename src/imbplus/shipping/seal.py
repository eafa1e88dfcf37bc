"""Sealing a completed shipment (P09): field digests and a content hash.

Each personal field is digested with a random salt (SHA-256 of salt, field and value); the
salt is encrypted under the record's retention key, so the digests reveal nothing and die
with the key. The content hash covers every plain column, the digests and the status
events. The database refuses any change of the sealed row (triggers); `verify` recomputes
the hash from what is stored and compares the fields that can still be decrypted.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from imbplus.shipping.models import Shipment, ShipmentEvent

PERSONAL = ("recipient_name", "street", "postal_code", "city", "phone", "email")


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat(timespec="microseconds")


def new_salt() -> str:
    return os.urandom(16).hex()


def field_digests(salt: str, values: Mapping[str, str]) -> dict[str, str]:
    return {
        f: hashlib.sha256(f"{salt}|{f}|{values[f]}".encode()).hexdigest()
        for f in PERSONAL
        if f in values
    }


def content_hash(row: Shipment, events: Sequence[ShipmentEvent]) -> str:
    document = {
        "id": row.id,
        "order_id": row.order_id,
        "customer_id": row.customer_id,
        "parcel_id": row.parcel_id,
        "carrier": row.carrier,
        "item": row.item,
        "status": row.status,
        "field_digests": row.field_digests,
        "created_at": _iso(row.created_at),
        "sealed_at": _iso(row.sealed_at),
        "retain_until": _iso(row.retain_until),
        "events": [[e.status, _iso(e.at), e.actor] for e in events],
    }
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
