"""`imbplus backup drill` (P11): restore a backup into a scratch place and prove it whole.

The live database is not touched (the drill's result is audited in it). Checks: every file
matches its hash; the database restores; its schema revision and every table's row count
are those of the manifest; the audit chain verifies up to the head the backup recorded;
the data keys of sampled customers' values unwrap with the master key at hand (no
personal value is decrypted); every telemetry file reads
with its row count. A backup whose keys were rotated away fails the last-but-one check:
that is how old backups stop being readable, by design.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq
from sqlalchemy import select

from imbplus import schema
from imbplus.backup import database
from imbplus.backup import manifest as mf
from imbplus.customers.models import Customer
from imbplus.errors import DomainError
from imbplus.privacy import audit
from imbplus.privacy.catalog import Purpose
from imbplus.runtime import Runtime
from imbplus.settings import Settings

SAMPLE = 25


@dataclass(frozen=True)
class Step:
    name: str
    ok: bool
    detail: str


@dataclass
class DrillReport:
    backup: str
    steps: list[Step] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.steps) and all(s.ok for s in self.steps)

    def add(self, name: str, ok: bool, detail: str) -> bool:
        self.steps.append(Step(name, ok, detail))
        return ok


def _scratch_settings(
    live: Settings, scratch: Path, url: str, head: tuple[int, str] | None
) -> Settings:
    settings = Settings(
        data_dir=scratch,
        database_url=url,
        master_key_file=live.key_file,
        audit_signing_key_file=live.audit_key_file,
        audit_checkpoint_file=scratch / "audit.head",
        audit_peer_checkpoints=[],  # the restored copy is checked against its own head
        erasure_journal_file=scratch / "erasures.journal",
        telemetry_dir=scratch / "telemetry",
    )
    keyed_from = audit.Checkpoint(live.checkpoint_file, live.audit_key_file).keyed_from()
    audit.Checkpoint(settings.checkpoint_file, settings.audit_key_file).anchor(
        *(head or (0, audit.GENESIS)), keyed_from=keyed_from or 1
    )
    return settings


def _database_steps(
    live: Runtime, report: DrillReport, manifest: mf.Manifest, settings: Settings
) -> None:
    rt = Runtime(settings)
    try:
        with rt.engine.connect() as conn:
            snap = database.figures(conn)
        report.add(
            "schema revision",
            snap.revision == manifest.revision,
            f"{snap.revision} (manifest: {manifest.revision})",
        )
        wrong = {
            t: (snap.tables.get(t), n)
            for t, n in manifest.tables.items()
            if snap.tables.get(t) != n
        }
        report.add(
            "row counts",
            not wrong and set(snap.tables) == set(manifest.tables),
            f"{len(snap.tables)} tables, {sum(snap.tables.values())} rows"
            if not wrong
            else f"differ (restored, manifest): {dict(list(wrong.items())[:5])}",
        )
        if snap.revision != schema.head_revision():
            # an older backup: bring the scratch copy to this version, as a restore would
            before, after = schema.upgrade(rt.engine)
            report.add("schema upgrades", True, f"{before} -> {after}")
        with rt.sessions() as session:
            result = audit.verify(session, rt.checkpoint)
        report.add(
            "audit chain",
            result.ok,
            f"intact, {result.records} records up to {result.head_seq}"
            if result.ok
            else f"broken at record {result.first_bad_seq}: {result.problem}",
        )
        report.add("personal data opens", *_open_sample(live, rt, snap.master_versions))
    finally:
        rt.dispose()


def _open_sample(live: Runtime, rt: Runtime, master_versions: list[int]) -> tuple[bool, str]:
    """Whether the master key at hand unwraps the data keys of sampled customers' values in
    the restored copy `rt`. Only the keys are opened: no personal value is decrypted. The
    gate's decision is audited in the live database, where the drill's result goes."""
    missing = sorted(set(master_versions) - set(rt.keyring.master.keys))
    if missing:
        return False, (
            f"the master key at hand lacks version(s) {missing} that wrapped this backup's "
            "keys (rotated away: the backup can no longer be read)"
        )
    try:
        with live.job("backup", Purpose.SECURITY) as ctx, rt.sessions() as restored:
            blobs = restored.execute(
                select(Customer.email_ct)
                .where(Customer.status != "erased", Customer.email_ct.is_not(None))
                .limit(SAMPLE)
            ).scalars()
            opened = ctx.unwrap_keys(
                (blob or b"" for blob in blobs), operation="backup.drill_unwrap", keys_in=restored
            )
    except DomainError as exc:
        return False, f"a customer's data key does not unwrap: {exc.code}"
    return True, f"{opened} of {opened} sampled customers' data keys unwrap (nothing decrypted)"


def _telemetry_step(report: DrillReport, path: Path, manifest: mf.Manifest) -> None:
    bad = []
    rows = 0
    for entry in manifest.telemetry:
        try:
            found = pq.ParquetFile(path / entry.path).metadata.num_rows
        except Exception as exc:
            bad.append(f"{entry.path}: unreadable ({type(exc).__name__})")
            continue
        rows += found
        if entry.rows is not None and found != entry.rows:
            bad.append(f"{entry.path}: {found} rows, manifest {entry.rows}")
    report.add(
        "telemetry files read",
        not bad,
        f"{len(manifest.telemetry)} files, {rows} events" if not bad else "; ".join(bad[:3]),
    )


def run(rt: Runtime, path: Path, progress: mf.Progress | None = None) -> DrillReport:
    manifest = mf.read(path)
    report = DrillReport(manifest.name)
    problems = mf.check_files(path, manifest, progress)
    files_ok = report.add(
        "files match their hashes",
        not problems,
        f"{len(manifest.files())} files, {manifest.total_bytes()} bytes"
        if not problems
        else "; ".join(problems[:3]),
    )
    if files_ok:
        _restore_and_check(rt, path, manifest, report)
    _record(rt, report)
    return report


def _restore_and_check(rt: Runtime, path: Path, manifest: mf.Manifest, report: DrillReport) -> None:
    live = rt.settings
    scratch = Path(tempfile.mkdtemp(prefix="imbplus-drill-"))
    pg_name = None
    try:
        if manifest.backend == "sqlite":
            target = scratch / "imbplus.db"
            shutil.copyfile(path / manifest.database.path, target)
            url = f"sqlite:///{target}"
        elif database.backend_of(live.db_url) != "postgresql":
            report.add("database restores", False, "a PostgreSQL backup needs a PostgreSQL server")
            return
        else:
            pg_name = database.scratch_name("drill")
            url = database.load_postgres(live.db_url, path / manifest.database.path, pg_name)
        report.add("database restores", True, f"into a scratch {manifest.backend} database")
        scratch_settings = _scratch_settings(live, scratch, url, manifest.audit_head)
        _database_steps(rt, report, manifest, scratch_settings)
    except database.BackupFailed as exc:
        report.add("database restores", False, exc.message)
    except Exception as exc:  # a backup the code cannot read is a failed drill, not a crash
        first = (str(exc).splitlines() or [""])[0][:200]
        report.add("drill ran to the end", False, f"{type(exc).__name__}: {first}")
    finally:
        if pg_name:
            try:
                database.drop_postgres(live.db_url, pg_name)
            except Exception as exc:
                report.add("scratch database dropped", False, f"{pg_name}: {type(exc).__name__}")
        shutil.rmtree(scratch, ignore_errors=True)
    _telemetry_step(report, path, manifest)


def _record(rt: Runtime, report: DrillReport) -> None:
    with rt.job("backup", Purpose.SECURITY) as ctx:
        passed = sum(s.ok for s in report.steps)
        ctx.note(
            "backup.drill",
            result="passed" if report.passed else "failed",
            reason=f"backup={report.backup} steps={passed}/{len(report.steps)}",
        )
