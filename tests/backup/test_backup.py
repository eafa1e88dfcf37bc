"""Backups (P11, P13): a consistent copy with a manifest, a restore drill that proves it in a
scratch database, and a restore that erases again everyone erased since the backup."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pyarrow as pa
import pytest
from sqlalchemy import select, text

from imbplus.backup import database, service
from imbplus.backup import drill as drills
from imbplus.backup import manifest as mf
from imbplus.backup import restore as restores
from imbplus.backup.evidence import erasures_journalled, restore_drill
from imbplus.bootstrap import init
from imbplus.customers import service as customers
from imbplus.customers.models import Customer
from imbplus.customers.schemas import CustomerSearch
from imbplus.privacy import audit, erasure_journal
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.privacy.models import AuditRecord
from imbplus.runtime import Runtime
from imbplus.settings import Settings
from imbplus.telemetry.store import EVENT_SCHEMA, Store
from tests.support.cli import imbplus
from tests.support.factories import make_customer


def _events(rt: Runtime, n: int = 50) -> None:
    ts = pa.array([1_764_000_000_000 + i * 1000 for i in range(n)], pa.timestamp("ms"))
    table = pa.Table.from_arrays(
        [
            ts,
            pa.array([7] * n, pa.int64()),
            pa.array(["heartbeat"] * n),
            pa.nulls(n, pa.string()),
            pa.nulls(n, pa.string()),
            pa.nulls(n, pa.int32()),
            pa.nulls(n, pa.string()),
            pa.array(["4.2.3"] * n),
            pa.array(["IMB-4K-100"] * n),
            pa.array(["Warszawa"] * n),
        ],
        schema=EVENT_SCHEMA,
    )
    Store(rt.settings.telemetry_root).write_batch(table)


def _erase(rt: Runtime, customer_id: str) -> None:
    with rt.unit_of_work() as s:
        ctx = Context(s, rt, Actor.staff(1, ["dpo"]), Purpose.DATA_SUBJECT_REQUEST)
        customers.erase(ctx, customer_id)


def _statuses(rt: Runtime) -> dict[str, str]:
    with rt.sessions() as s:
        return dict(s.execute(select(Customer.id, Customer.status)).all())


def _drop_kept(settings: Settings, kept: str) -> None:
    if settings.database_url and settings.database_url.startswith("postgresql"):
        database.drop_postgres(settings.database_url, kept)


def test_a_backup_passes_its_drill_and_a_damaged_one_fails(rt: Runtime) -> None:
    people = [make_customer(rt) for _ in range(3)]
    _events(rt)
    made = service.create(rt)
    m = made.manifest
    assert m.tables["customers"] == 3 and len(m.telemetry) == 1 and m.telemetry[0].rows == 50
    assert m.audit_head is not None and m.master_versions
    key = rt.settings.key_file.read_bytes()
    for file in (f for f in made.path.rglob("*") if f.is_file()):
        assert key not in file.read_bytes(), file  # the master key is never in a backup
    raw = (made.path / m.database.path).read_bytes()
    assert people[0].email.encode() not in raw  # ciphertext only, like the database

    report = drills.run(rt, made.path)
    assert report.passed, report.steps
    assert [s.name for s in report.steps] == [
        "files match their hashes",
        "database restores",
        "schema revision",
        "row counts",
        "audit chain",
        "personal data opens",
        "telemetry files read",
    ]
    assert "3 of 3" in report.steps[5].detail
    assert restore_drill(rt).passed

    parquet = made.path / m.telemetry[0].path
    damaged = bytearray(parquet.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    parquet.write_bytes(bytes(damaged))
    _m, problems = service.verify(made.path)
    assert problems == [f"{m.telemetry[0].path}: content changed (SHA-256 differs)"]
    failed = drills.run(rt, made.path)
    assert not failed.passed and len(failed.steps) == 1
    outcome = restore_drill(rt)
    # the damaged backup is named from its files, before its failed drill is even read
    assert not outcome.passed and "does not match its manifest" in outcome.detail
    assert m.telemetry[0].path in outcome.detail
    with rt.sessions() as s:
        results = s.execute(
            select(AuditRecord.result).where(AuditRecord.action == "backup.drill")
        ).scalars()
        assert list(results) == ["passed", "failed"]


def test_restore_brings_the_backup_back_but_not_the_erased(rt: Runtime) -> None:
    kept, erased_later, journalled = (make_customer(rt) for _ in range(3))
    made = service.create(rt, telemetry=False)
    _erase(rt, erased_later.id)
    after_backup = make_customer(rt)
    assert erasure_journal.read(rt.settings.erasure_journal) == [erased_later.id]
    # an erasure the live database no longer shows (lost with it) is still in the journal
    erasure_journal.append(rt.settings.erasure_journal, [journalled.id])
    settings = rt.settings
    rt.dispose()

    done = restores.restore(settings, made.path, prepare=init)
    try:
        assert sorted(done.erased_again) == sorted([erased_later.id, journalled.id])
        back = Runtime(settings)
        try:
            statuses = _statuses(back)
            assert statuses[kept.id] == "active"
            assert statuses[erased_later.id] == "erased"
            assert statuses[journalled.id] == "erased"
            assert after_backup.id not in statuses  # made after the backup: a restore loses it
            with back.unit_of_work() as s:
                ctx = Context(s, back, Actor.staff(1, ["support"]), Purpose.SERVICE_DELIVERY)
                assert customers.search(ctx, CustomerSearch(email=erased_later.email)) == []
                assert customers.search(ctx, CustomerSearch(email=kept.email))
            with back.sessions() as s:
                assert audit.verify(s, back.checkpoint).ok
                actions = s.execute(
                    select(AuditRecord.action).where(AuditRecord.action.like("backup.%"))
                ).scalars()
                assert "backup.restored" in list(actions)
        finally:
            back.dispose()
    finally:
        _drop_kept(settings, done.kept_old)


def test_a_restore_refuses_a_damaged_backup_and_touches_nothing(rt: Runtime) -> None:
    make_customer(rt)
    made = service.create(rt, telemetry=False)
    added = make_customer(rt)
    (made.path / made.manifest.database.path).write_bytes(b"not a database")
    settings = rt.settings
    with pytest.raises(mf.BackupInvalid, match="damaged, nothing was restored"):
        restores.restore(settings, made.path, prepare=init)
    assert added.id in _statuses(rt)


def test_the_journal_holds_only_committed_erasures(rt: Runtime) -> None:
    person = make_customer(rt)
    with rt.sessions() as s:
        ctx = Context(s, rt, Actor.staff(1, ["dpo"]), Purpose.DATA_SUBJECT_REQUEST)
        customers.erase(ctx, person.id)
        s.rollback()
    assert erasure_journal.read(rt.settings.erasure_journal) == []
    _erase(rt, person.id)
    assert erasure_journal.read(rt.settings.erasure_journal) == [person.id]
    with open(rt.settings.erasure_journal, "a") as fh:
        fh.write('{"customer": "torn')  # a crash while appending
    assert erasure_journal.read(rt.settings.erasure_journal) == [person.id]
    later = make_customer(rt)
    _erase(rt, later.id)  # the next line starts on a line of its own
    assert erasure_journal.read(rt.settings.erasure_journal) == [person.id, later.id]


def test_a_failed_journal_write_keeps_the_erasure_and_shows_in_the_evidence(
    rt: Runtime,
) -> None:
    person = make_customer(rt)
    rt.settings.erasure_journal.mkdir(parents=True)  # not writable as a file
    _erase(rt, person.id)
    assert _statuses(rt)[person.id] == "erased"
    unreadable = erasures_journalled(rt)
    assert not unreadable.passed and "cannot be read" in unreadable.detail
    rt.settings.erasure_journal.rmdir()
    outcome = erasures_journalled(rt)
    assert not outcome.passed and outcome.figures["missing"] == 1
    assert service.sync_journal(rt) == 1
    assert erasures_journalled(rt).passed
    assert erasure_journal.read(rt.settings.erasure_journal) == [person.id]


def test_old_backups_are_pruned(rt: Runtime) -> None:
    rt.settings.backup_keep = 2
    made = [service.create(rt, telemetry=False) for _ in range(2)]
    abandoned = rt.settings.backup_root / ".partial-abandoned"
    abandoned.mkdir()
    (abandoned / mf.NAME).write_text("{}")  # a crash just before the final rename
    os.utime(abandoned, (0, 0))
    assert abandoned not in service.backups(rt.settings.backup_root)
    made.append(service.create(rt, telemetry=False))
    assert [p.name for p in service.backups(rt.settings.backup_root)] == [
        m.path.name for m in made[1:]
    ]
    assert sorted(made[2].pruned) == sorted([made[0].path, abandoned])
    assert not abandoned.exists()
    assert service.resolve(rt, None) == made[2].path


def test_the_command_line(settings: Settings, rt: Runtime) -> None:
    make_customer(rt)
    created = imbplus(settings, "backup", "create", "--quiet")
    assert created.returncode == 0, created.stderr
    path = Path(created.stdout.strip().splitlines()[-1])
    assert (path / mf.NAME).is_file()
    drilled = imbplus(settings, "backup", "drill", path.name, "--quiet")
    assert drilled.returncode == 0, drilled.stdout + drilled.stderr
    assert "personal data opens" in drilled.stdout
    listed = imbplus(settings, "backup", "list")
    assert path.name in listed.stdout
    missing = imbplus(settings, "backup", "verify", "no-such-backup")
    assert missing.returncode == 2 and "no backup directory no-such-backup" in missing.stderr
    unconfirmed = imbplus(settings, "backup", "restore", path.name)
    assert unconfirmed.returncode == 2 and "--yes" in unconfirmed.stderr
    (path / mf.NAME).write_text("{")
    broken = imbplus(settings, "backup", "drill", path.name)
    assert broken.returncode == 2 and "not valid JSON" in broken.stderr


def test_a_postgresql_backup_is_a_dump_inside_one_snapshot(rt: Runtime) -> None:
    if not rt.settings.db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: the SQLite copy is covered by the other tests")
    make_customer(rt)
    made = service.create(rt, telemetry=False)
    assert made.manifest.database.path == database.PG_FILE
    assert (made.path / database.PG_FILE).read_bytes()[:5] == b"PGDMP"
    with rt.engine.connect() as conn:
        left = conn.execute(
            text("SELECT count(*) FROM pg_database WHERE datname LIKE 'imbplus_drill_%'")
        ).scalar_one()
    assert drills.run(rt, made.path).passed
    with rt.engine.connect() as conn:
        after = conn.execute(
            text("SELECT count(*) FROM pg_database WHERE datname LIKE 'imbplus_drill_%'")
        ).scalar_one()
    assert after == left  # the scratch database is dropped


def test_a_drill_of_an_unreadable_schema_fails_without_crashing(rt: Runtime) -> None:
    if not rt.settings.db_url.startswith("sqlite"):
        pytest.skip("edits the SQLite copy in place")
    make_customer(rt)
    made = service.create(rt, telemetry=False)
    copy = made.path / made.manifest.database.path
    conn = sqlite3.connect(copy)
    conn.execute("ALTER TABLE audit_log DROP COLUMN request_id")
    conn.commit()
    conn.close()
    size, digest = mf.hash_file(copy)
    made.manifest.database = mf.FileEntry(made.manifest.database.path, size, digest)
    mf.write(made.path, made.manifest)
    report = drills.run(rt, made.path)
    assert not report.passed
    failed = [s for s in report.steps if not s.ok]
    assert failed and "OperationalError" in failed[0].detail
    assert not restore_drill(rt).passed  # the failed drill was recorded


def test_restore_after_the_journal_was_lost_reads_the_old_database(rt: Runtime) -> None:
    gone = make_customer(rt)
    made = service.create(rt, telemetry=False)
    _erase(rt, gone.id)
    rt.settings.erasure_journal.unlink()  # lost with its volume
    settings = rt.settings
    rt.dispose()
    done = restores.restore(settings, made.path, prepare=init)
    try:
        assert done.live_readable and done.erased_again == [gone.id]
        # journalled before the database was replaced: a second run would still know
        assert erasure_journal.read(settings.erasure_journal) == [gone.id]
        back = Runtime(settings)
        try:
            assert _statuses(back)[gone.id] == "erased"
        finally:
            back.dispose()
    finally:
        _drop_kept(settings, done.kept_old)
