"""Compaction (many small batch files of a day -> one file) and retention (P13).

Both are system jobs: compaction changes no data and is recorded as a job step; retention
drops whole day partitions once the activity retention period has ended, and every drop is
audited (day, files).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from imbplus.clock import clock
from imbplus.privacy.catalog import Action, Category, Purpose
from imbplus.runtime import Runtime
from imbplus.telemetry import readable, rollup
from imbplus.telemetry.store import COMPACT_WRITE, EVENT_SCHEMA, Store

Progress = Callable[[int, int], None]


def _noop(_done: int, _total: int) -> None:
    return None


@dataclass
class CompactReport:
    days: int = 0
    files_before: int = 0
    files_after: int = 0
    rows: int = 0
    rollups: int = 0
    unreadable: dict[date, str] = field(default_factory=dict)  # left as they are


def compact(
    rt: Runtime, *, min_files: int = 8, include_today: bool = False, progress: Progress = _noop
) -> CompactReport:
    """The daily job: `compact_store`, recorded in the audit log. It holds the lease
    `telemetry_compaction`: two hosts compacting one shared dataset at once would each
    replace the same files and count their events twice."""
    store = Store(rt.settings.telemetry_root)
    with rt.lease("telemetry_compaction"):
        report = compact_store(
            store, min_files=min_files, include_today=include_today, progress=progress
        )
    if report.days or report.rollups:
        with rt.job("telemetry_compaction", Purpose.SECURITY) as ctx:
            ctx.note(
                "telemetry.compacted",
                categories=Category.STB_ACTIVITY.value,
                reason=f"days={report.days} files={report.files_before}->{report.files_after} "
                f"rollups={report.rollups}",
            )
    return report


def compact_store(
    store: Store, *, min_files: int = 8, include_today: bool = False, progress: Progress = _noop
) -> CompactReport:
    """For each finished day (today too if asked): merge its batch files into one file
    sorted by box and time once there are `min_files`, and (re)write its rollups when they
    are missing or older than its events. One journalled commit per day."""
    store.recover()
    store.sweep()
    today = clock.now().date()
    report = CompactReport()
    days = [d for d in store.days() if include_today or d < today]
    fresh = rollup.fresh_days(store)
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    for done, day in enumerate(days, 1):
        files = store.files(day)
        merge = len(files) >= min_files
        if files and (merge or day not in fresh):
            try:
                _compact_day(store, con, day, files, merge, report)
            except (duckdb.Error, OSError, pa.ArrowException):
                # an unreadable day stays as it is; the others go on (readable.py)
                report.unreadable[day] = readable.problem_of([files]) or "damaged file"
        progress(done, len(days))
    con.close()
    return report


def _compact_day(
    store: Store,
    con: duckdb.DuckDBPyConnection,
    day: date,
    files: list[Path],
    merge: bool,
    report: CompactReport,
) -> None:
    """Merge one day's files (when `merge`) and write its rollups, in one commit; the report
    counts the day only once the commit is made."""
    parts: list[tuple[pa.Table, Path]] = []
    remove = []
    name = store.batch_name()
    rows = 0
    if merge:
        table = pa.concat_tables([pq.read_table(f, schema=EVENT_SCHEMA) for f in files]).sort_by(
            [("device", "ascending"), ("ts", "ascending")]
        )
        parts.append((table, store.day_dir(day) / f"compact-{name}"))
        remove += files
        rows = table.num_rows
    for kind, summary in rollup.compute(con, files).items():
        target = rollup.rollup_dir(store, kind, day)
        store.ensure_dir(target)
        remove += rollup.rollup_files(store, kind, day)
        parts.append((summary, target / name))  # written last: newest mtime
    store._commit(parts, remove=remove, options=COMPACT_WRITE)
    report.rollups += 1
    if merge:
        report.days += 1
        report.files_before += len(files)
        report.files_after += 1
        report.rows += rows


@dataclass
class RetentionReport:
    cutoff: date
    dropped: list[date] = field(default_factory=list)
    files: int = 0
    dry_run: bool = False


def expired_days(store: Store, retention_days: int) -> tuple[date, list[date]]:
    """Days whose whole partition is past the retention period (UTC days)."""
    cutoff = clock.now().date() - timedelta(days=retention_days)
    return cutoff, [d for d in store.days() if d < cutoff]


def apply_retention(rt: Runtime, *, dry_run: bool = False) -> RetentionReport:
    store = Store(rt.settings.telemetry_root)
    store.recover()
    cutoff, days = expired_days(store, rt.settings.telemetry_retention_days)
    report = RetentionReport(cutoff=cutoff, dry_run=dry_run)
    if dry_run:
        report.dropped = days
        report.files = sum(len(store.files(d)) for d in days)
        return report
    for day in days:
        files = len(store.files(day))
        # audited first: a crash after the record and before the drop is finished by the
        # next run; no day ever disappears without its record
        with rt.job("telemetry_retention", Purpose.SECURITY) as ctx:
            ctx.check(Action.DELETE, {Category.STB_ACTIVITY}, operation="telemetry.retention")
            ctx.note(
                "telemetry.partition_dropped",
                categories=Category.STB_ACTIVITY.value,
                reason=f"day={day.isoformat()} files={files} "
                f"retention={rt.settings.telemetry_retention_days}d",
            )
        store.drop_day(day)
        report.dropped.append(day)
        report.files += files
    return report
