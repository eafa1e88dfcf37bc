"""`imbplus backup create | list | verify` (P11): a consistent copy of the database, the
telemetry dataset and the audit head, described by a manifest with a hash per file.

The master key is never part of a backup: it is kept apart (docs/operations.md), and a
backup is readable only with it. Complete backups beyond `backup_keep` are deleted after
each new one, so erased customers' data leaves the backups within that many runs.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from imbplus.backup import database
from imbplus.backup import manifest as mf
from imbplus.clock import clock
from imbplus.customers import service as customers
from imbplus.privacy import erasure_journal
from imbplus.privacy.catalog import Purpose
from imbplus.runtime import Runtime
from imbplus.telemetry.store import Store, fsync_dir

PARTIAL = ".partial-"
TELEMETRY = "telemetry"
Progress = Callable[[int], None]
# (phase, total bytes or None): the CLI turns each phase into a progress bar
Phases = Callable[[str, int | None], Progress]


def _quiet(_phase: str, _total: int | None) -> Progress:
    return lambda _n: None


@dataclass(frozen=True)
class Created:
    path: Path
    manifest: mf.Manifest
    pruned: list[Path]


def telemetry_files(root: Path) -> list[Path]:
    """Visible Parquet files of the dataset and its rollups (no temporary or journal files)."""
    if not root.exists():
        return []
    return sorted(
        p
        for p in root.rglob("*.parquet")
        if not any(part.startswith((".", "_")) for part in p.relative_to(root).parts)
    )


def _copy_telemetry(root: Path, directory: Path, progress: Progress) -> list[mf.FileEntry]:
    Store(root).recover()
    entries: list[mf.FileEntry] = []
    for _attempt in range(3):
        entries = []
        listed = telemetry_files(root)
        try:
            for path in listed:
                rel = f"{TELEMETRY}/{path.relative_to(root).as_posix()}"
                entry = mf.copy_hashed(path, directory, rel, progress)
                rows = pq.ParquetFile(directory / rel).metadata.num_rows
                entries.append(mf.FileEntry(entry.path, entry.bytes, entry.sha256, rows))
            # a compaction between listing and copying (new file renamed in, old ones not
            # yet removed) would hold events twice: the set must not have changed
            if telemetry_files(root) == listed:
                return entries
        except FileNotFoundError:
            pass
        # compaction or retention replaced files meanwhile: copy the new set again
        shutil.rmtree(directory / TELEMETRY, ignore_errors=True)
    raise database.BackupFailed("the telemetry dataset kept changing during the backup")


def create(rt: Runtime, *, telemetry: bool = True, phases: Phases = _quiet) -> Created:
    settings = rt.settings
    root = settings.backup_root
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o700)
    name = "imbplus-" + clock.now().strftime("%Y%m%dT%H%M%S%fZ")
    work = Path(tempfile.mkdtemp(prefix=PARTIAL, dir=root))
    try:
        backend = database.backend_of(settings.db_url)
        db_file = database.SQLITE_FILE if backend == "sqlite" else database.PG_FILE
        phases("database", None)
        if backend == "sqlite":
            snap = database.dump_sqlite(settings.db_url, work / db_file)
        else:
            snap = database.dump_postgres(settings.db_url, work / db_file)
        size, digest = mf.hash_file(work / db_file)
        files: list[mf.FileEntry] = []
        if telemetry:
            total = sum(p.stat().st_size for p in telemetry_files(settings.telemetry_root))
            files = _copy_telemetry(settings.telemetry_root, work, phases("telemetry", total))
        manifest = mf.Manifest(
            name=name,
            created_at=clock.now().isoformat(),
            backend=backend,
            revision=snap.revision,
            tables=snap.tables,
            audit_head=snap.audit_head,
            master_versions=snap.master_versions,
            database=mf.FileEntry(db_file, size, digest),
            telemetry=files,
        )
        final = root / name
        if final.exists():  # two backups within the same microsecond (a frozen clock)
            final = root / f"{name}-{os.urandom(2).hex()}"
            manifest.name = final.name
        mf.write(work, manifest)
        os.rename(work, final)
        fsync_dir(root)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    with rt.job("backup", Purpose.SECURITY) as ctx:
        ctx.note(
            "backup.created",
            reason=f"backup={manifest.name} tables={len(snap.tables)} "
            f"files={len(manifest.files())} "
            f"bytes={manifest.total_bytes()}",
        )
    return Created(final, manifest, prune(rt))


def backups(root: Path) -> list[Path]:
    """Complete backups, oldest first."""
    if not root.exists():
        return []
    return sorted(
        p
        for p in root.iterdir()
        if p.is_dir() and not p.name.startswith(PARTIAL) and (p / mf.NAME).is_file()
    )


def prune(rt: Runtime) -> list[Path]:
    """Delete complete backups beyond `backup_keep` (oldest first) and abandoned partial
    ones older than a day."""
    root = rt.settings.backup_root
    complete = backups(root)
    doomed = complete[: max(0, len(complete) - rt.settings.backup_keep)]
    limit = clock.time() - 86_400
    doomed += [
        p for p in (root.glob(f"{PARTIAL}*") if root.exists() else []) if p.stat().st_mtime < limit
    ]
    for path in doomed:
        shutil.rmtree(path, ignore_errors=True)
    if doomed:
        with rt.job("backup", Purpose.SECURITY) as ctx:
            ctx.note("backup.pruned", reason=f"deleted={len(doomed)}")
    return doomed


def resolve(rt: Runtime, given: str | None) -> Path:
    """A backup by path or name; the newest when none is given."""
    root = rt.settings.backup_root
    if not given:
        found = backups(root)
        if not found:
            raise mf.BackupInvalid(f"no backup in {root} (imbplus backup create)")
        return found[-1]
    path = Path(given)
    if not path.exists() and (root / given).exists():
        path = root / given
    if not path.is_dir():
        raise mf.BackupInvalid(f"no backup directory {given}", backup=given)
    return path


def verify(path: Path, progress: Progress | None = None) -> tuple[mf.Manifest, list[str]]:
    manifest = mf.read(path)
    return manifest, mf.check_files(path, manifest, progress)


def sync_journal(rt: Runtime) -> int:
    """Add to the erasure journal every erased customer it lacks (after a write failed)."""
    path = rt.settings.erasure_journal
    with rt.sessions() as s:
        erased = customers.erased_ids(s)
    known = set(erasure_journal.read(path))
    missing = [c for c in erased if c not in known]
    if missing:
        erasure_journal.append(path, missing)
    return len(missing)
