"""Retention of sealed shipment records (P13): purge after the proof-of-service period.

For each sealed shipment whose `retain_until` has passed, a release receipt is written
first (append-only, kept for good: parcel id, content hash, retention date, time, job);
the database allows the DELETE of a sealed row, its events and amendments only when such a
receipt exists and the row's retention ended on or before the receipt's time. When no
shipment of a year is left, that year's retention key is destroyed as well.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select

from imbplus.clock import clock
from imbplus.privacy.catalog import Action, Category, Purpose
from imbplus.privacy.retention_keys import shred_retention_keys
from imbplus.runtime import Runtime
from imbplus.shipping.models import Shipment, ShipmentAmendment, ShipmentEvent, ShipmentRelease

BATCH = 200


@dataclass
class PurgeReport:
    due: int = 0
    purged: int = 0
    keys_destroyed: int = 0
    dry_run: bool = False
    parcels: list[str] = field(default_factory=list)


def due(rt: Runtime) -> int:
    with rt.unit_of_work() as s:
        return int(
            s.execute(
                select(func.count())
                .select_from(Shipment)
                .where(Shipment.sealed_at.is_not(None), Shipment.retain_until <= clock.now())
            ).scalar_one()
        )


def purge(
    rt: Runtime, *, dry_run: bool = False, advance: Callable[[int], None] | None = None
) -> PurgeReport:
    report = PurgeReport(due=due(rt), dry_run=dry_run)
    if dry_run or report.due == 0:
        return report
    years: set[int] = set()
    while True:
        with rt.job("retention", Purpose.SECURITY) as ctx:
            now = clock.now()
            rows = list(
                ctx.session.execute(
                    select(Shipment)
                    .where(Shipment.sealed_at.is_not(None), Shipment.retain_until <= now)
                    .order_by(Shipment.retain_until)
                    .limit(BATCH)
                    .with_for_update()
                ).scalars()
            )
            if not rows:
                break
            ctx.check(
                Action.DELETE,
                {Category.SHIPMENT_RECORD, Category.SHIPMENT_CONTACT},
                operation="shipment.purge",
                subjects=sorted({r.customer_id for r in rows}),
            )
            for row in rows:
                assert row.retain_until is not None and row.content_hash is not None
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
            years.update(r.created_at.year for r in rows)
            report.purged += len(rows)
            report.parcels.extend(r.parcel_id for r in rows)
            ctx.note("shipment.purged", reason=f"shipments={len(rows)}")
        if advance:
            advance(len(rows))
    with rt.job("retention", Purpose.SECURITY) as ctx:
        for year in sorted(years):
            left = ctx.session.execute(
                select(func.count())
                .select_from(Shipment)
                .where(func.extract("year", Shipment.created_at) == year)
            ).scalar_one()
            if left == 0 and year < clock.now().year:
                report.keys_destroyed += shred_retention_keys(ctx, "shipments", year)
    return report
