"""Sealed shipment records anchored in the audit chain (P09, P11).

The database refuses changes to a sealed record, but whoever owns the database can drop a
trigger, forge a release receipt or open a key rotation. So every sealed record is also
anchored in the keyed audit chain: sealing records its content hash and a digest of its
ciphertexts, a key rotation records the new ciphertext digest, an amendment records its
own, and a purge records the release. `audit verify` replays these anchors against the
tables: a sealed record deleted without a release, changed, or given other ciphertexts
(swapped, rolled back) is named, and no one can write a matching anchor without the key.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from imbplus.privacy import audit, rotation
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Purpose
from imbplus.privacy.models import AuditRecord
from imbplus.runtime import Runtime
from imbplus.shipping import seal
from imbplus.shipping.models import Shipment, ShipmentAmendment, ShipmentEvent

SEALED = "shipment.sealed"
RESEALED = "shipment.resealed"
RELEASED = "shipment.released"
AMENDED = "shipment.amended"
SHIPMENT_CT = (
    "recipient_name_ct",
    "street_ct",
    "postal_code_ct",
    "city_ct",
    "phone_ct",
    "email_ct",
    "seal_salt_ct",
)
AMENDMENT_CT = ("value_ct", "reason_ct")
# an amendment's anchor covers where it belongs, what kind it is, who made it and when, too
AMENDMENT_ANCHORED = ("shipment_id", "kind", "author", "at", *AMENDMENT_CT)
_ID = r"[0-9a-f-]{36}"
_REASON = re.compile(
    rf"shipment:(?P<sid>{_ID})(?: amendment:(?P<aid>{_ID}))?(?: kind:\S+)?"
    r"(?: hash:(?P<hash>[0-9a-f]{64}))?(?: ct:(?P<ct>[0-9a-f]{64}))?"
)


def ct_digest(values: Mapping[str, Any] | object, columns: Sequence[str]) -> str:
    """SHA-256 over columns of a row (a mapping or a model): ciphertexts as hex, times in
    UTC, other values as text."""
    digest = hashlib.sha256()
    for column in columns:
        value = values.get(column) if isinstance(values, Mapping) else getattr(values, column)
        if isinstance(value, bytes | bytearray | memoryview):
            text = bytes(value).hex()
        elif isinstance(value, datetime):
            text = value.astimezone(UTC).isoformat(timespec="microseconds")
        else:
            text = "-" if value is None else str(value)
        digest.update(f"{column}={text};".encode())
    return digest.hexdigest()


def sealed_reason(row: Shipment) -> str:
    return f"shipment:{row.id} hash:{row.content_hash} ct:{ct_digest(row, SHIPMENT_CT)}"


def amendment_reason(row: ShipmentAmendment) -> str:
    return (
        f"shipment:{row.shipment_id} amendment:{row.id} kind:{row.kind} "
        f"ct:{ct_digest(row, AMENDMENT_ANCHORED)}"
    )


@dataclass
class _Anchor:
    hash: str | None = None
    ct: str | None = None
    released: bool = False
    released_hash: str | None = None


def _replay(
    records: list[dict[str, Any]],
) -> tuple[dict[str, _Anchor], dict[str, tuple[str, str]]]:
    shipments: dict[str, _Anchor] = {}
    amendments: dict[str, tuple[str, str]] = {}
    for record in records:
        found = _REASON.match(record["reason"] or "")
        if found is None:
            continue
        sid, aid, action = found["sid"], found["aid"], record["action"]
        if aid is not None:
            if found["ct"]:
                amendments[aid] = (sid, found["ct"])
            continue
        anchor = shipments.setdefault(sid, _Anchor())
        if action == RELEASED:
            anchor.released, anchor.released_hash = True, found["hash"]
        elif action in (SEALED, RESEALED):
            anchor.hash = found["hash"] or anchor.hash
            anchor.ct = found["ct"] or anchor.ct
    return shipments, amendments


def check(session: Session, records: list[dict[str, Any]]) -> list[str]:
    """Problems of the sealed records against their anchors (empty when they all hold)."""
    anchors, amendment_anchors = _replay(records)
    rows = {
        r.id: r
        for r in session.execute(select(Shipment).where(Shipment.sealed_at.is_not(None))).scalars()
    }
    events: dict[str, list[ShipmentEvent]] = defaultdict(list)
    for event in session.execute(select(ShipmentEvent).order_by(ShipmentEvent.id)).scalars():
        events[event.shipment_id].append(event)
    problems = []
    for sid, anchor in anchors.items():
        row = rows.get(sid)
        if anchor.released:
            if anchor.hash and anchor.released_hash != anchor.hash:
                problems.append(f"sealed shipment {sid} was released as another record")
            continue
        if row is None:
            problems.append(f"sealed shipment {sid} is gone without a release")
            continue
        if anchor.hash and (
            row.content_hash != anchor.hash or seal.content_hash(row, events[sid]) != anchor.hash
        ):
            problems.append(f"sealed shipment {sid} differs from its anchored content hash")
        if anchor.ct and ct_digest(row, SHIPMENT_CT) != anchor.ct:
            problems.append(f"sealed shipment {sid}: encrypted values differ from their anchor")
    problems += [f"sealed shipment {sid} has no anchor" for sid in rows if sid not in anchors]
    return problems + _amendment_problems(session, anchors, amendment_anchors, set(rows))


def _amendment_problems(
    session: Session,
    anchors: dict[str, _Anchor],
    anchored: dict[str, tuple[str, str]],
    sealed: set[str],
) -> list[str]:
    stored = {a.id: a for a in session.execute(select(ShipmentAmendment)).scalars()}
    problems = []
    for aid, (sid, digest) in anchored.items():
        if anchors.get(sid, _Anchor()).released:
            continue
        amendment = stored.get(aid)
        if amendment is None:
            problems.append(f"amendment {aid} of shipment {sid} is gone")
        elif ct_digest(amendment, AMENDMENT_ANCHORED) != digest:
            problems.append(f"amendment {aid} of shipment {sid} differs from its anchor")
    problems += [
        f"amendment {aid} of shipment {a.shipment_id} has no anchor"
        for aid, a in stored.items()
        if aid not in anchored and a.shipment_id in sealed
    ]
    return problems


def _resealed_shipment(ctx: Context, row: Mapping[str, Any]) -> None:
    if row["sealed_at"] is not None:
        reason = f"shipment:{row['id']} ct:{ct_digest(row, SHIPMENT_CT)}"
        ctx.note(RESEALED, subject=row["customer_id"], reason=reason)


def _resealed_amendment(ctx: Context, row: Mapping[str, Any]) -> None:
    digest = ct_digest(row, AMENDMENT_ANCHORED)
    reason = f"shipment:{row['shipment_id']} amendment:{row['id']} ct:{digest}"
    ctx.note(RESEALED, reason=reason)


def backfill(rt: Runtime) -> int:
    """Anchor what was sealed before sealing anchored its content (their `shipment.sealed`
    records name the shipment only): each such record whose seal still holds, and its
    amendments. Records with no sealing record at all are never anchored here: the system
    did not seal them. Run by `imbplus init`; finds nothing to do once done."""
    with rt.sessions() as s:
        records = [
            {"action": a, "reason": r}
            for a, r in s.execute(
                select(AuditRecord.action, AuditRecord.reason)
                .where(AuditRecord.action.in_([SEALED, RESEALED, RELEASED, AMENDED]))
                .order_by(AuditRecord.seq)
            )
        ]
    found, amended = _replay(records)
    legacy = {sid for sid, a in found.items() if a.hash is None and not a.released}
    if not legacy:
        return 0
    done = 0
    with rt.job("anchor_backfill", Purpose.SECURITY) as ctx:
        rows = ctx.session.execute(select(Shipment).where(Shipment.id.in_(sorted(legacy))))
        for row in rows.scalars():
            events = list(
                ctx.session.execute(
                    select(ShipmentEvent)
                    .where(ShipmentEvent.shipment_id == row.id)
                    .order_by(ShipmentEvent.id)
                ).scalars()
            )
            if row.sealed_at is None or seal.content_hash(row, events) != row.content_hash:
                continue  # left for `audit verify` to report
            ctx.note(SEALED, subject=row.customer_id, reason=sealed_reason(row))
            for amendment in ctx.session.execute(
                select(ShipmentAmendment).where(ShipmentAmendment.shipment_id == row.id)
            ).scalars():
                if amendment.id not in amended:
                    ctx.note(AMENDED, subject=row.customer_id, reason=amendment_reason(amendment))
            done += 1
    return done


rotation.on_reencrypted("shipments", _resealed_shipment)
rotation.on_reencrypted("shipment_amendments", _resealed_amendment)
audit.register_anchors(
    "sealed shipments", frozenset({SEALED, RESEALED, RELEASED, AMENDED}), check, backfill
)
