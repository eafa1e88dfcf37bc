"""Live checks for set-top boxes and their activity (P02, P13, P14)."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from imbplus.clock import clock
from imbplus.devices.models import Device, StbCredentials
from imbplus.privacy.checks import Outcome, not_exercised, register
from imbplus.runtime import Runtime
from imbplus.telemetry.store import Store


@register("P02", "Boxes are registered and their activity is stored without partial files")
def registry_and_store(rt: Runtime) -> Outcome:
    with rt.sessions() as s:
        rows = s.execute(select(Device.status, func.count()).group_by(Device.status)).all()
    by_status = {str(status): int(n) for status, n in rows}
    store = Store(rt.settings.telemetry_root)
    # Writers use temporary names and rename when durable; a temporary file left for an
    # hour is a crash leftover that recovery should have swept.
    stale = time.time() - 3600
    leftovers = (
        [
            p.name
            for p in store.events.rglob("*")
            if p.is_file() and p.suffix != ".parquet" and p.stat().st_mtime < stale
        ]
        if store.events.exists()
        else []
    )
    days = store.days()

    return Outcome(
        not leftovers,
        "only complete Parquet files are visible to readers"
        if not leftovers
        else f"unexpected files in the store: {leftovers[:5]}",
        {
            "boxes": sum(by_status.values()),
            **{f"boxes_{k}": v for k, v in by_status.items()},
            "activity_days": len(days),
            "activity_files": len(store.files()),
        },
    )


@register("P13", "No day of box activity is older than its retention period")
def activity_retention(rt: Runtime) -> Outcome:
    days = Store(rt.settings.telemetry_root).days()
    limit = rt.settings.telemetry_retention_days
    oldest = (clock.now().date() - min(days)).days if days else 0
    return Outcome(
        oldest <= limit + 1,
        f"oldest day is {oldest} days old (limit {limit})",
        {"oldest_day_age": oldest, "retention_days": limit},
    )


@register("P14", "Box PINs and passwords are kept only as argon2id hashes")
def stb_secrets_hashed(rt: Runtime) -> Outcome:
    with rt.sessions() as s:
        rows = s.execute(select(StbCredentials.pin_hash, StbCredentials.password_hash)).all()
    values = [v for row in rows for v in row if v is not None]
    plain = [v for v in values if not v.startswith("$argon2id$")]
    if not values:
        return not_exercised("no customer has set a box PIN or password yet")
    return Outcome(
        not plain,
        f"{len(values)} secrets, all argon2id"
        if not plain
        else f"{len(plain)} values are not argon2id hashes",
        {"customers_with_secrets": len(rows), "hashes": len(values)},
    )
