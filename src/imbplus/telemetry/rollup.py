"""Daily rollups: small per-day summaries that analytics read instead of raw events.

For each finished day, compaction writes next to the events (same journalled commit):

    rollup/boxes/day=D/*.parquet            per box: events, errors, plays, viewing, last
    rollup/channels/day=D/*.parquet         per channel and UTC hour: plays, seconds
    rollup/region_channels/day=D/*.parquet  per region and channel: plays
    rollup/errors/day=D/*.parquet           per firmware, error code and box: errors

A rollup is used for a day only while it is newer than every events file of that day; a
late batch makes the day fall back to its raw events until the next compaction. Rollups
carry the same pseudonyms as the events, so retention and erasure treat them alike.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from imbplus.telemetry.store import Store

KINDS: dict[str, str] = {
    "boxes": """
        SELECT {key} device, model, firmware, coalesce(region, 'unknown') AS region,
               count(*)::BIGINT AS events,
               count(*) FILTER (WHERE type = 'error')::BIGINT AS errors,
               count(*) FILTER (WHERE type = 'channel_play')::BIGINT AS channel_plays,
               count(*) FILTER (WHERE type = 'vod_play')::BIGINT AS vod_plays,
               coalesce(sum(duration_s) FILTER (WHERE type IN ('channel_play', 'vod_play')),
                        0)::BIGINT AS view_seconds,
               max(ts) AS last_ts
        FROM {source} GROUP BY ALL
    """,
    "channels": """
        SELECT {key} channel, date_trunc('hour', ts) AS utc_hour, count(*)::BIGINT AS plays,
               coalesce(sum(duration_s), 0)::BIGINT AS seconds
        FROM {source} WHERE type = 'channel_play' GROUP BY ALL
    """,
    "errors": """
        SELECT {key} firmware, error_code, device, count(*)::BIGINT AS errors
        FROM {source} WHERE type = 'error' GROUP BY ALL
    """,
    "region_channels": """
        SELECT {key} coalesce(region, 'unknown') AS region, channel, count(*)::BIGINT AS plays
        FROM {source} WHERE type = 'channel_play' GROUP BY ALL
    """,
}


def rollup_dir(store: Store, kind: str, day: date) -> Path:
    return store.root / "rollup" / kind / f"day={day.isoformat()}"


def rollup_files(store: Store, kind: str, day: date) -> list[Path]:
    return sorted(rollup_dir(store, kind, day).glob("*.parquet"))


def compute(con: duckdb.DuckDBPyConnection, files: list[Path]) -> dict[str, pa.Table]:
    listing = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    source = f"read_parquet([{listing}])"
    return {
        kind: con.sql(sql.format(source=source, key="")).to_arrow_table()
        for kind, sql in KINDS.items()
    }


def _dates(days: list[date]) -> str:
    return ", ".join(f"DATE '{d.isoformat()}'" for d in days)


def create_views(
    con: duckdb.DuckDBPyConnection,
    store: Store,
    *,
    use_rollups: bool = True,
    skip: Collection[date] = (),
) -> None:
    """One view per rollup kind, with a `day` column: the stored rollup for fresh days, an
    aggregate of the raw events (view `events`) for the others; `skip` days in neither."""
    fresh = sorted(d for d in fresh_days(store) if d not in skip) if use_rollups else []
    raw = [d for d in store.days() if d not in set(fresh) and d not in skip]
    # the SQL below is built only from our own paths and from dates of our directories
    for kind, sql in KINDS.items():
        parts = []
        if fresh:
            pattern = str(store.root / "rollup" / kind / "day=*" / "*.parquet").replace("'", "''")
            parts.append(
                f"SELECT * FROM read_parquet('{pattern}', hive_partitioning = true) "  # noqa: S608
                f"WHERE day IN ({_dates(fresh)})"
            )
        if raw:
            source = f"(SELECT * FROM events WHERE day IN ({_dates(raw)}))"  # noqa: S608
            parts.append(sql.format(source=source, key="day,"))
        body = (
            " UNION ALL BY NAME ".join(f"({p})" for p in parts)
            if parts
            else (sql.format(source="(SELECT * FROM events WHERE false)", key="day,"))
        )
        con.execute(f"CREATE VIEW {kind} AS {body}")


def fresh_days(store: Store) -> set[date]:
    """Days whose every rollup is newer than every events file of the day."""
    fresh = set()
    for day in store.days():
        events = store.files(day)
        if not events:
            continue
        newest = max(f.stat().st_mtime_ns for f in events)
        ok = True
        for kind in KINDS:
            found = rollup_files(store, kind, day)
            if not found or min(f.stat().st_mtime_ns for f in found) < newest:
                ok = False
                break
        if ok:
            fresh.add(day)
    return fresh
