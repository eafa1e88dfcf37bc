"""Retention of sealed shipment records (P13): purged after the proof-of-service period.

A rule of the retention schedule (`imbplus retention run`). For each sealed shipment whose
`retain_until` has passed (and whose customer is not under a legal hold), a release receipt
is written first (append-only, kept for good: parcel id, content hash, retention date,
time, job); the database allows the DELETE of a sealed row, its events and amendments only
when such a receipt exists and the row's retention ended on or before the receipt's time.
When no shipment of a year is left, that year's retention key is destroyed as well.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from imbplus.clock import clock
from imbplus.privacy import retention_rules
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category
from imbplus.privacy.retention_keys import shred_retention_keys
from imbplus.settings import Settings
from imbplus.shipping import anchors, seal
from imbplus.shipping.models import Shipment, ShipmentAmendment, ShipmentEvent, ShipmentRelease

RULE = "shipping.sealed_records"


def _due(now: datetime, held: frozenset[str]):  # type: ignore[no-untyped-def]
    stmt = select(Shipment).where(Shipment.sealed_at.is_not(None), Shipment.retain_until <= now)
    if held:
        stmt = stmt.where(Shipment.customer_id.not_in(sorted(held)))
    return stmt


def purge_sealed(ctx: Context, _cutoff: datetime, held: frozenset[str], dry_run: bool) -> int:
    """Each record carries its own end (`retain_until`, set when it was sealed)."""
    now = clock.now()
    if dry_run:
        return int(
            ctx.session.execute(
                select(func.count()).select_from(_due(now, held).subquery())
            ).scalar_one()
        )
    rows = _intact(ctx, list(ctx.session.execute(_due(now, held).with_for_update()).scalars()))
    if not rows:
        return 0
    ctx.check(
        Action.DELETE,
        {Category.SHIPMENT_RECORD, Category.SHIPMENT_CONTACT},
        operation="shipment.purge",
        subjects=sorted({r.customer_id for r in rows}),
    )
    for row in rows:
        assert row.retain_until is not None and row.content_hash is not None
        ctx.note(
            anchors.RELEASED,
            subject=row.customer_id,
            reason=f"shipment:{row.id} hash:{row.content_hash}",
        )
        ctx.session.add(
            ShipmentRelease(
                shipment_id=row.id,
                parcel_id=row.parcel_id,
                content_hash=row.content_hash,
                retain_until=row.retain_until,
                released_at=now,
                job=ctx.actor.label,
                request_id=ctx.request_id,
            )
        )
    ctx.session.flush()
    ids = [r.id for r in rows]
    for table in (ShipmentAmendment, ShipmentEvent):
        ctx.session.execute(delete(table).where(table.shipment_id.in_(ids)))
    ctx.session.execute(delete(Shipment).where(Shipment.id.in_(ids)))
    for year in sorted({r.created_at.year for r in rows}):
        left = ctx.session.execute(
            select(func.count())
            .select_from(Shipment)
            .where(func.extract("year", Shipment.created_at) == year)
        ).scalar_one()
        if left == 0 and year < now.year:
            shred_retention_keys(ctx, "shipments", year)
    return len(rows)


def _intact(ctx: Context, rows: list[Shipment]) -> list[Shipment]:
    """The rows whose seal still holds. A record changed since it was sealed (its retention
    date moved to let it go early, say) is not purged: it is named in the audit log for the
    DPO, and `audit verify` reports it against its anchor."""
    events: dict[str, list[ShipmentEvent]] = {r.id: [] for r in rows}
    if rows:
        found = ctx.session.execute(
            select(ShipmentEvent)
            .where(ShipmentEvent.shipment_id.in_(list(events)))
            .order_by(ShipmentEvent.id)
        ).scalars()
        for event in found:
            events[event.shipment_id].append(event)
    intact = []
    for row in rows:
        if seal.content_hash(row, events[row.id]) == row.content_hash:
            intact.append(row)
            continue
        ctx.note(
            "shipment.purge_refused",
            subject=row.customer_id,
            result="error",
            reason=f"shipment:{row.id} its seal does not hold; kept for investigation",
        )
    return intact


def _period(settings: Settings) -> timedelta:
    return timedelta(days=settings.shipment_retention_days)


retention_rules.register(
    retention_rules.Rule(
        name=RULE,
        category=Category.SHIPMENT_RECORD,
        period=_period,
        legal_basis="proof of service (P13): claims about a delivery; then deleted with a "
        "release receipt per record",
        description="Sealed shipment records, their events and amendments, from sealing "
        "(setting shipment_retention_days).",
        purge=purge_sealed,
    )
)
