"""The telemetry store: an append-only Parquet dataset, one directory per day (UTC).

    <root>/events/day=2026-11-25/<batch>.parquet

Readers (DuckDB) only ever glob `*.parquet`. A file is written under a hidden temporary
name in its final directory, flushed and fsynced, renamed, and the directory is fsynced:
after `write_batch` returns, the batch is durable, and a crash at any moment leaves either
the whole file or no visible file. A batch that spans two days becomes two files; their
renames are made atomic by a journal entry (`_journal/*.json`, itself written under a
temporary name, fsynced and renamed before the first file rename: the commit point) that
`recover()` rolls forward; the server, every reader and every job run it first.
Compaction replaces many files by one through the same journal.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from imbplus.clock import clock

EVENT_SCHEMA = pa.schema(
    [
        pa.field("ts", pa.timestamp("ms"), nullable=False),  # UTC
        pa.field("device", pa.int64(), nullable=False),  # pseudonym, never the serial
        pa.field("type", pa.string(), nullable=False),
        pa.field("channel", pa.string()),
        pa.field("content_id", pa.string()),
        pa.field("duration_s", pa.int32()),
        pa.field("error_code", pa.string()),
        pa.field("firmware", pa.string()),
        pa.field("model", pa.string()),
        pa.field("region", pa.string()),
    ]
)
# Small per-batch files: fast zstd level; compaction rewrites them with a stronger level,
# sorted by box, in row groups of 32k events: a read of a few boxes (a subject's copy, a box
# page) skips the row groups whose pseudonym range misses them (9M events: 400 -> 110 ms)
INGEST_WRITE = {"compression": "zstd", "compression_level": 1}
COMPACT_WRITE = {"compression": "zstd", "compression_level": 6, "row_group_size": 32_768}
_DAY_PREFIX = "day="


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_durable(table: pa.Table, final: Path, **options: object) -> None:
    """Write `table` as Parquet at `final`: temp name, fsync, rename, fsync directory."""
    tmp = final.with_name(f".{final.name}.tmp")
    _write_fsynced(table, tmp, options)
    os.rename(tmp, final)
    fsync_dir(final.parent)


def _write_fsynced(table: pa.Table, path: Path, options: dict[str, object]) -> None:
    with open(path, "wb") as fh:
        pq.write_table(table, fh, **options)
        fh.flush()
        os.fsync(fh.fileno())


@dataclass(frozen=True)
class DayInfo:
    day: date
    files: int
    bytes: int


class Store:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.events = root / "events"
        self.journal = root / "_journal"
        self._known_dirs: set[Path] = set()
        self._lock = threading.Lock()

    # -- paths ---------------------------------------------------------------------------
    def day_dir(self, day: date) -> Path:
        return self.events / f"{_DAY_PREFIX}{day.isoformat()}"

    @property
    def pattern(self) -> str:
        return str(self.events / f"{_DAY_PREFIX}*" / "*.parquet")

    def ensure_dir(self, path: Path) -> None:
        if path in self._known_dirs:
            return
        with self._lock:
            missing = [p for p in (path, *path.parents) if not p.exists()]
            for d in reversed(missing):
                d.mkdir(exist_ok=True)
                fsync_dir(d.parent)
            self._known_dirs.add(path)

    @staticmethod
    def batch_name() -> str:
        return f"{clock.now_us()}-{os.getpid()}-{secrets.token_hex(4)}.parquet"

    # -- writing -------------------------------------------------------------------------
    def write_batch(self, table: pa.Table) -> list[Path]:
        """Make one accepted batch durable; returns the visible files (none for no rows)."""
        if table.num_rows == 0:
            return []
        bounds = pc.min_max(table.column("ts"))
        first, last = bounds["min"].as_py().date(), bounds["max"].as_py().date()
        name = self.batch_name()
        if first == last:
            target = self.day_dir(first)
            self.ensure_dir(target)
            final = target / name
            write_durable(table, final, **INGEST_WRITE)
            return [final]
        day_col = pc.cast(table.column("ts"), pa.date32())
        days = pc.unique(day_col).to_pylist()
        parts = []
        for day in sorted(days):
            part = table.filter(pc.equal(day_col, pa.scalar(day, pa.date32())))
            target = self.day_dir(day)
            self.ensure_dir(target)
            parts.append((part, target / name))
        return self._commit(parts, remove=[], options=INGEST_WRITE)

    def _commit(
        self,
        parts: list[tuple[pa.Table, Path]],
        remove: list[Path],
        options: dict[str, object],
    ) -> list[Path]:
        """Several new files (and files to delete) as one atomic step, through a journal."""
        renames = []
        for part, final in parts:
            tmp = final.with_name(f".{final.name}.tmp")
            _write_fsynced(part, tmp, options)
            renames.append((str(tmp), str(final)))
        self.journal.mkdir(parents=True, exist_ok=True)
        entry = self.journal / f"{secrets.token_hex(8)}.json"
        pending = entry.with_suffix(".tmp")
        doc = json.dumps({"rename": renames, "remove": [str(p) for p in remove]})
        with open(pending, "w") as fh:
            fh.write(doc)
            fh.flush()
            os.fsync(fh.fileno())
        os.rename(pending, entry)  # a journal entry is whole or absent
        fsync_dir(self.journal)  # the commit point
        self._apply(renames, [str(p) for p in remove])
        entry.unlink(missing_ok=True)
        fsync_dir(self.journal)
        return [Path(final) for _tmp, final in renames]

    @staticmethod
    def _apply(renames: Iterable[tuple[str, str]] | Iterable[list[str]], remove: list[str]) -> None:
        # Idempotent: a reader's recover() may roll the same entry forward concurrently.
        dirs = set()
        for tmp, final in renames:
            with contextlib.suppress(FileNotFoundError):
                os.rename(tmp, final)
            dirs.add(os.path.dirname(final))
        for path in remove:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
            dirs.add(os.path.dirname(path))
        for d in dirs:
            if os.path.isdir(d):
                fsync_dir(Path(d))

    def recover(self) -> int:
        """Roll forward every journalled step a crash interrupted. Cheap when there is none."""
        if not self.journal.exists():
            return 0
        done = 0
        for entry in sorted(self.journal.glob("*.json")):
            try:
                doc = json.loads(entry.read_text())
            except FileNotFoundError:
                continue  # finished by its writer meanwhile
            except (OSError, ValueError):
                entry.unlink(missing_ok=True)  # unreadable: damaged storage, not a commit
                continue
            self._apply(doc.get("rename", []), doc.get("remove", []))
            entry.unlink(missing_ok=True)
            done += 1
        if done:
            fsync_dir(self.journal)
        return done

    # -- reading -------------------------------------------------------------------------
    def days(self) -> list[date]:
        if not self.events.exists():
            return []
        found = []
        for d in self.events.iterdir():
            if d.is_dir() and d.name.startswith(_DAY_PREFIX):
                try:
                    found.append(date.fromisoformat(d.name.removeprefix(_DAY_PREFIX)))
                except ValueError:
                    continue
        return sorted(found)

    def files(self, day: date | None = None) -> list[Path]:
        if day is not None:
            return sorted(self.day_dir(day).glob("*.parquet"))
        return sorted(self.events.glob(f"{_DAY_PREFIX}*/*.parquet"))

    def has_data(self) -> bool:
        return any(self.events.glob(f"{_DAY_PREFIX}*/*.parquet")) if self.events.exists() else False

    def day_info(self) -> list[DayInfo]:
        out = []
        for day in self.days():
            files = self.files(day)
            out.append(DayInfo(day, len(files), sum(f.stat().st_size for f in files)))
        return out

    def drop_day(self, day: date) -> int:
        """Remove a whole day: one rename makes it invisible, then it is deleted."""
        source = self.day_dir(day)
        files = len(list(source.glob("*.parquet"))) if source.exists() else 0
        rollups = self.root / "rollup"
        summaries = list(rollups.glob(f"*/{_DAY_PREFIX}{day.isoformat()}"))
        # summaries first: a crash midway leaves the day listed, and the next run finishes it
        for directory in [*summaries, source]:
            if not directory.exists():
                continue
            trash = self.root / f".dropping-{day.isoformat()}-{secrets.token_hex(4)}"
            os.rename(directory, trash)
            fsync_dir(directory.parent)
            shutil.rmtree(trash)
            self._known_dirs.discard(directory)
        return files

    def sweep(self, older_than_s: float = 3600) -> int:
        """Delete temporary files a crash left behind (never visible to readers)."""
        if not self.events.exists():
            return 0
        limit = clock.time() - older_than_s
        removed = 0
        for tmp in self.events.glob(f"{_DAY_PREFIX}*/.*.tmp"):
            if tmp.stat().st_mtime < limit:
                tmp.unlink(missing_ok=True)
                removed += 1
        for tmp in self.journal.glob("*.tmp") if self.journal.exists() else ():
            if tmp.stat().st_mtime < limit:
                tmp.unlink(missing_ok=True)
        for trash in self.root.glob(".dropping-*"):
            shutil.rmtree(trash, ignore_errors=True)
        return removed


def utc_day(ts_ms: int) -> date:
    return datetime.fromtimestamp(ts_ms / 1000, tz=UTC).date()
