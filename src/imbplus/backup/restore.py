"""`imbplus backup restore` (P11, P13): put a backup in place of the live data, then erase
again everyone erased since.

Stop the server and the jobs first. The steps:
1. the backup's files are checked against their hashes (nothing is touched otherwise);
2. the customers erased so far are collected from the erasure journal and, when it can
   still be read, from the live database;
3. the database is replaced: SQLite by renaming a fsynced copy over the file (the old file
   is kept as `imbplus.db.before-restore-<time>`), PostgreSQL by restoring into a new
   database and swapping names (the old one is kept as `<name>_before_restore_<hex>`);
4. the audit checkpoint is set to the head the backup recorded (later records went with
   the old database, which is kept), and `imbplus init` brings the schema up to date;
5. every collected customer who is not erased in the restored data is erased again, with
   every domain's hook and the destruction of their key; each erasure is audited;
6. with `telemetry=True` the telemetry dataset is replaced by the backup's (the old one is
   kept beside it).
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from imbplus.backup import database
from imbplus.backup import manifest as mf
from imbplus.backup.service import TELEMETRY
from imbplus.clock import clock
from imbplus.customers import service as customers
from imbplus.customers.models import Customer
from imbplus.privacy import audit, erasure_journal
from imbplus.privacy.catalog import Purpose
from imbplus.runtime import Runtime
from imbplus.settings import Settings
from imbplus.telemetry.store import fsync_dir


@dataclass
class Restored:
    backup: str
    kept_old: str
    live_readable: bool
    erased_again: list[str] = field(default_factory=list)
    telemetry_files: int = 0


def _erased_live(settings: Settings) -> list[str] | None:
    """Ids of erased customers in the live database; None when it cannot be read."""
    rt = Runtime(settings)
    try:
        with rt.sessions() as s:
            return customers.erased_ids(s)
    except Exception:  # a lost or damaged database: the journal must do
        return None
    finally:
        rt.dispose()


def _stamp() -> str:
    return clock.now().strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(2)


def _replace_sqlite(settings: Settings, path: Path, manifest: mf.Manifest) -> str:
    live = database.sqlite_path(settings.db_url)
    incoming = live.with_name(live.name + ".restoring")
    mf.copy_hashed(path / manifest.database.path, incoming.parent, incoming.name)
    kept = live.with_name(f"{live.name}.before-restore-{_stamp()}")
    if live.exists():
        os.rename(live, kept)
    for suffix in ("-wal", "-shm"):
        side = Path(f"{live}{suffix}")
        if side.exists():
            os.rename(side, Path(f"{kept}{suffix}"))
    os.rename(incoming, live)
    fsync_dir(live.parent)
    return str(kept)


def _replace_telemetry(settings: Settings, path: Path, manifest: mf.Manifest) -> int:
    root = settings.telemetry_root
    incoming = root.with_name(root.name + ".restoring")
    shutil.rmtree(incoming, ignore_errors=True)
    for entry in manifest.telemetry:
        rel = entry.path.removeprefix(f"{TELEMETRY}/")
        mf.copy_hashed(path / entry.path, incoming, rel)
    incoming.mkdir(parents=True, exist_ok=True)
    if root.exists():
        os.rename(root, root.with_name(f"{root.name}.before-restore-{_stamp()}"))
    os.rename(incoming, root)
    fsync_dir(root.parent)
    return len(manifest.telemetry)


def _restorable(
    settings: Settings, path: Path, manifest: mf.Manifest, progress: mf.Progress | None
) -> str:
    """The backend to restore into, once the backup's files and kind are checked."""
    problems = mf.check_files(path, manifest, progress)
    if problems:
        raise mf.BackupInvalid(
            "the backup is damaged, nothing was restored: " + "; ".join(problems[:3]),
            backup=manifest.name,
        )
    backend = database.backend_of(settings.db_url)
    if backend != manifest.backend:
        raise mf.BackupInvalid(
            f"a {manifest.backend} backup cannot be restored into {backend}",
            backup=manifest.name,
        )
    return backend


def restore(
    settings: Settings,
    path: Path,
    *,
    prepare: Callable[[Runtime], object],
    telemetry: bool = False,
    progress: mf.Progress | None = None,
) -> Restored:
    """The backup at `path` in place of the live data; `prepare` is `bootstrap.init`."""
    manifest = mf.read(path)
    backend = _restorable(settings, path, manifest, progress)
    journalled = erasure_journal.read(settings.erasure_journal)
    live = _erased_live(settings)
    # Before anything is replaced, the journal learns every erasure the live database knows,
    # so that a restore interrupted later and run again still erases them.
    known = set(journalled)
    only_live = [c for c in live or [] if c not in known]
    if only_live:
        erasure_journal.append(settings.erasure_journal, only_live)
    erased = [*journalled, *only_live]
    # The backup's head is a prefix of the live chain, so setting it first is safe either way.
    checkpoint = audit.Checkpoint(settings.checkpoint_file, settings.audit_key_file)
    keyed_from = checkpoint.keyed_from() or 1
    checkpoint.anchor(*(manifest.audit_head or (0, audit.GENESIS)), keyed_from=keyed_from)
    if backend == "sqlite":
        kept = _replace_sqlite(settings, path, manifest)
    else:
        name = database.scratch_name("restore")
        database.load_postgres(settings.db_url, path / manifest.database.path, name)
        try:
            kept = database.swap_postgres(settings.db_url, name)
        except BaseException:
            database.drop_postgres(settings.db_url, name)
            raise
    result = Restored(manifest.name, kept, live is not None)
    rt = Runtime(settings)
    try:
        prepare(rt)
        result.erased_again = _erase_again(rt, erased)
        if telemetry:
            result.telemetry_files = _replace_telemetry(settings, path, manifest)
        with rt.job("backup", Purpose.SECURITY) as ctx:
            ctx.note(
                "backup.restored",
                reason=f"backup={manifest.name} erased_again={len(result.erased_again)} "
                f"telemetry={'yes' if telemetry else 'no'}",
            )
    finally:
        rt.dispose()
    return result


def _erase_again(rt: Runtime, erased: list[str]) -> list[str]:
    if not erased:
        return []
    present: set[str] = set()
    with rt.sessions() as s:
        for start in range(0, len(erased), 5000):
            present.update(
                s.execute(
                    select(Customer.id).where(
                        Customer.id.in_(erased[start : start + 5000]),
                        Customer.status != "erased",
                    )
                ).scalars()
            )
    done = []
    for customer_id in erased:
        if customer_id not in present:
            continue
        with rt.job("erasure", Purpose.DATA_SUBJECT_REQUEST) as ctx:
            customers.erase(ctx, customer_id)
        done.append(customer_id)
    return done
