"""Analytics on the telemetry store (P03), with DuckDB, through the gate.

Every report states the purposes it serves; the gate decides whether the caller's role may
use STB activity for the declared one, and records the decision. Reports about people in
groups (regions, titles) hide any group of fewer than MIN_BOXES distinct boxes.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

import duckdb

from imbplus.clock import clock
from imbplus.errors import ValidationFailed
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category, Purpose
from imbplus.telemetry import readable, rollup
from imbplus.telemetry.store import Store

T = TypeVar("T")
MIN_BOXES = 10  # small-cell suppression: no group under 10 distinct boxes is shown
LOCAL_TZ = "Europe/Warsaw"
ACTIVITY = frozenset({Category.STB_ACTIVITY})
REPORT_PURPOSES: dict[str, frozenset[Purpose]] = {
    "health": frozenset({Purpose.SERVICE_IMPROVEMENT}),
    "trends": frozenset({Purpose.SERVICE_IMPROVEMENT, Purpose.MARKET_RESEARCH}),
    "vod": frozenset({Purpose.SERVICE_IMPROVEMENT, Purpose.MARKET_RESEARCH, Purpose.PRICING}),
    "regions": frozenset({Purpose.MARKET_RESEARCH, Purpose.PRICING}),
}


def reports_for(purpose: Purpose) -> list[str]:
    return [name for name, purposes in REPORT_PURPOSES.items() if purpose in purposes]


def _authorize(ctx: Context, report: str) -> None:
    if ctx.purpose not in REPORT_PURPOSES[report]:
        allowed = ", ".join(sorted(p.value for p in REPORT_PURPOSES[report]))
        raise ValidationFailed(
            [{"field": "purpose", "problem": f"the {report} report serves: {allowed}"}]
        )
    ctx.check(Action.READ, ACTIVITY, operation=f"telemetry.{report}")


@dataclass(frozen=True)
class Window:
    first: date
    last: date

    @classmethod
    def last_days(cls, days: int) -> Window:
        if not 1 <= days <= 3660:
            raise ValidationFailed([{"field": "days", "problem": "between 1 and 3660"}])
        today = clock.now().date()
        return cls(today - timedelta(days=days - 1), today)


def connect(
    store: Store, *, use_rollups: bool = True, skip: Collection[date] = ()
) -> duckdb.DuckDBPyConnection | None:
    """A DuckDB connection with the `events` view and the rollup views (`boxes`,
    `channels`, `errors`, `region_channels`) over every day but `skip`, or None while the
    store is empty."""
    store.recover()
    if not store.has_data():
        return None
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    if skip:
        days = [d for d in store.days() if d not in skip and store.files(d)]
        globs = [str(store.day_dir(d) / "*.parquet") for d in days]
    else:
        globs = [store.pattern]
    if not globs:
        con.close()
        return None
    listing = ", ".join(f"'{_quote(g)}'" for g in globs)
    source = f"read_parquet([{listing}], hive_partitioning = true)"
    con.execute(f"CREATE VIEW events AS SELECT * FROM {source}")  # noqa: S608 - our paths
    rollup.create_views(con, store, use_rollups=use_rollups, skip=skip)
    return con


def run_readable(
    store: Store,
    empty: Callable[[], T],
    run: Callable[[duckdb.DuckDBPyConnection], T],
    *,
    use_rollups: bool = True,
) -> T:
    """`run` on a connection over the readable days; a failure makes every day be probed,
    and `run` is tried once more without the broken ones (`readable.broken` names them)."""
    skip = readable.broken(store)
    for last_try in (False, True):
        con = connect(store, use_rollups=use_rollups, skip=skip)
        if con is None:
            return empty()
        try:
            with con:
                return run(con)
        except duckdb.Error:
            found = readable.find_broken(store)
            if last_try or set(found) <= set(skip):
                raise
            skip = found
    raise AssertionError("unreachable")


def _quote(text: str) -> str:
    return text.replace("'", "''")


def _report(
    ctx: Context,
    store: Store,
    report: str,
    days: int,
    empty: Callable[[Window], T],
    run: Callable[[duckdb.DuckDBPyConnection, Window], T],
) -> T:
    """Gate, window, connection: what every report does before its SQL."""
    _authorize(ctx, report)
    window = Window.last_days(days)
    return run_readable(store, lambda: empty(window), lambda con: run(con, window))


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# -- device health (service improvement) ---------------------------------------------------
@dataclass
class Health:
    window: Window
    boxes: int = 0
    events: int = 0
    errors: int = 0
    silent_boxes: int = 0
    by_firmware: list[dict[str, Any]] = field(default_factory=list)
    top_errors: list[dict[str, Any]] = field(default_factory=list)
    daily: list[dict[str, Any]] = field(default_factory=list)


def health_sql(con: duckdb.DuckDBPyConnection, window: Window, now: datetime) -> Health:
    out = Health(window)
    params = [window.first, window.last]
    # per box first (from the daily rollups; far cheaper than DISTINCT), then up
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE per_box AS
        SELECT device, model, firmware, sum(events) AS events, sum(errors) AS errors,
               max(last_ts) AS last_ts
        FROM boxes WHERE day BETWEEN ? AND ?
        GROUP BY device, model, firmware
        """,
        params,
    )
    out.by_firmware = _rows(
        con,
        """
        SELECT model, firmware, count(*) AS boxes, sum(events) AS events,
               sum(errors) AS errors,
               round(1000.0 * sum(errors) / sum(events), 2) AS errors_per_1000,
               max(last_ts) AS last_seen
        FROM per_box GROUP BY model, firmware
        ORDER BY errors_per_1000 DESC, model, firmware
        """,
        [],
    )
    totals = con.execute(
        """
        SELECT count(*), count(*) FILTER (WHERE last_ts < ?)
        FROM (SELECT device, max(last_ts) AS last_ts FROM per_box GROUP BY device)
        """,
        [now.replace(tzinfo=None) - timedelta(hours=24)],
    ).fetchone()
    out.boxes, out.silent_boxes = (int(totals[0]), int(totals[1])) if totals else (0, 0)
    out.events = sum(int(r["events"]) for r in out.by_firmware)
    out.errors = sum(int(r["errors"]) for r in out.by_firmware)
    out.top_errors = _rows(
        con,
        """
        SELECT firmware, error_code, sum(errors) AS errors, count(DISTINCT device) AS boxes
        FROM errors WHERE day BETWEEN ? AND ?
        GROUP BY firmware, error_code ORDER BY errors DESC, firmware, error_code LIMIT 10
        """,
        params,
    )
    out.daily = _rows(
        con,
        """
        SELECT day, sum(events) AS events, sum(errors) AS errors
        FROM boxes WHERE day BETWEEN ? AND ? GROUP BY day ORDER BY day
        """,
        params,
    )
    return out


def health(ctx: Context, store: Store, days: int = 30) -> Health:
    now = clock.now()
    return _report(ctx, store, "health", days, Health, lambda c, w: health_sql(c, w, now))


# -- viewing trends ------------------------------------------------------------------------
@dataclass
class Trends:
    window: Window
    heatmap: list[dict[str, Any]] = field(default_factory=list)  # weekday x hour
    channels: list[dict[str, Any]] = field(default_factory=list)
    cube: list[dict[str, Any]] = field(default_factory=list)  # channel x day x hour


def trends_sql(con: duckdb.DuckDBPyConnection, window: Window, top: int = 10) -> Trends:
    out = Trends(window)
    # hourly UTC buckets (daily rollups) moved to local time
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE cube AS
        WITH local AS (
            SELECT channel, timezone('{LOCAL_TZ}', utc_hour AT TIME ZONE 'UTC') AS local_at,
                   plays, seconds
            FROM channels WHERE day BETWEEN ? AND ?)
        SELECT channel, CAST(local_at AS DATE) AS local_day, hour(local_at) AS hour,
               sum(plays) AS plays, sum(seconds) AS seconds
        FROM local GROUP BY ALL
        """,  # noqa: S608 - a constant
        [window.first, window.last],
    )
    out.heatmap = _rows(
        con,
        """
        SELECT isodow(local_day) AS weekday, hour, sum(plays) AS plays
        FROM cube GROUP BY ALL ORDER BY weekday, hour
        """,
        [],
    )
    out.channels = _rows(
        con,
        """
        SELECT channel, sum(plays) AS plays, round(sum(seconds) / 3600.0, 1) AS hours
        FROM cube GROUP BY channel ORDER BY plays DESC, channel LIMIT ?
        """,
        [top],
    )
    out.cube = _rows(
        con,
        """
        SELECT channel, local_day AS day, hour, plays FROM cube
        WHERE channel IN (SELECT channel FROM cube GROUP BY channel
                          ORDER BY sum(plays) DESC, channel LIMIT ?)
        ORDER BY channel, day, hour
        """,
        [top],
    )
    return out


def trends(ctx: Context, store: Store, days: int = 30, top: int = 10) -> Trends:
    return _report(ctx, store, "trends", days, Trends, lambda c, w: trends_sql(c, w, top))


def vod_sql(con: duckdb.DuckDBPyConnection, window: Window, top: int = 20) -> list[dict[str, Any]]:
    return _rows(
        con,
        """
        SELECT content_id, count(*) AS plays, count(DISTINCT device) AS boxes,
               round(sum(coalesce(duration_s, 0)) / 3600.0, 1) AS hours
        FROM events WHERE day BETWEEN ? AND ? AND type = 'vod_play'
        GROUP BY content_id HAVING count(DISTINCT device) >= ?
        ORDER BY plays DESC, content_id LIMIT ?
        """,
        [window.first, window.last, MIN_BOXES, top],
    )


def vod_top(ctx: Context, store: Store, days: int = 30, top: int = 20) -> list[dict[str, Any]]:
    return _report(ctx, store, "vod", days, lambda _w: [], lambda c, w: vod_sql(c, w, top))


# -- market research by region (small cells suppressed) ------------------------------------
@dataclass
class Regions:
    window: Window
    rows: list[dict[str, Any]] = field(default_factory=list)
    suppressed_groups: int = 0


def regions_sql(con: duckdb.DuckDBPyConnection, window: Window) -> Regions:
    out = Regions(window)
    days = (window.last - window.first).days + 1
    params = [window.first, window.last]
    rows = _rows(
        con,
        """
        WITH per_box AS (
            SELECT region, device, sum(channel_plays) AS channel_plays,
                   sum(vod_plays) AS vod_plays, sum(view_seconds) AS seconds
            FROM boxes WHERE day BETWEEN ? AND ? GROUP BY ALL)
        SELECT region, count(*) AS boxes, sum(channel_plays) AS channel_plays,
               sum(vod_plays) AS vod_plays,
               round(coalesce(sum(seconds), 0) / 3600.0 / count(*) / ?, 2)
                   AS hours_per_box_day
        FROM per_box GROUP BY region ORDER BY boxes DESC, region
        """,
        [*params, days],
    )
    top = {
        r["region"]: r["channel"]
        for r in _rows(
            con,
            """
            SELECT region, arg_max(channel, plays) AS channel FROM (
                SELECT region, channel, sum(plays) AS plays FROM region_channels
                WHERE day BETWEEN ? AND ? GROUP BY ALL) GROUP BY region
            """,
            params,
        )
    }
    for row in rows:
        row["top_channel"] = top.get(row["region"])
    out.rows = [r for r in rows if r["boxes"] >= MIN_BOXES]
    out.suppressed_groups = len(rows) - len(out.rows)
    return out


def regions(ctx: Context, store: Store, days: int = 30) -> Regions:
    return _report(ctx, store, "regions", days, Regions, regions_sql)


# -- one box (support, service delivery) ---------------------------------------------------
def box_activity(
    ctx: Context, store: Store, pseudonyms: list[int], days: int = 7
) -> list[dict[str, Any]]:
    """Events per day and type of one box (its pseudonyms come from the devices service,
    which passed the gate for STB activity)."""
    window = Window.last_days(days)
    if not pseudonyms:
        return []
    marks = ", ".join("?" for _ in pseudonyms)
    sql = f"""
        SELECT day, type, count(*) AS events, max(ts) AS last_ts,
               string_agg(DISTINCT error_code, ', ') AS error_codes
        FROM events WHERE day BETWEEN ? AND ? AND device IN ({marks})
        GROUP BY day, type ORDER BY day DESC, type
    """  # noqa: S608 - placeholders only
    params = [window.first, window.last, *pseudonyms]
    return run_readable(store, list, lambda con: _rows(con, sql, params))
