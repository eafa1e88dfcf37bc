"""The database part of a backup, per backend.

SQLite: the online backup API copies a consistent snapshot while the server runs (WAL).
PostgreSQL: `pg_dump -Fc` inside an exported snapshot, so the row counts and the audit head
written to the manifest describe exactly what the dump holds; restores go to a new database
with `pg_restore`, which a restore then puts in place of the old one by renaming.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, create_engine, func, inspect, select, table, text
from sqlalchemy.engine import URL, make_url

from imbplus.db import make_engine
from imbplus.errors import DomainError
from imbplus.privacy.models import AuditHead, DataKeyVersion

SQLITE_FILE = "database.sqlite"
PG_FILE = "database.pgdump"


class BackupFailed(DomainError):
    status = 500
    code = "backup_failed"


@dataclass(frozen=True)
class Snapshot:
    revision: str | None
    tables: dict[str, int]
    audit_head: tuple[int, str] | None
    master_versions: list[int]


def backend_of(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def figures(conn: Connection) -> Snapshot:
    """Row counts of every table, the audit head and the master-key versions in use."""
    names = sorted(inspect(conn).get_table_names())
    tables = {
        n: int(conn.execute(select(func.count()).select_from(table(n))).scalar_one()) for n in names
    }
    revision = None
    if "alembic_version" in names:
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    head = conn.execute(select(AuditHead.seq, AuditHead.hash)).first() if names else None
    versions = conn.execute(
        select(DataKeyVersion.master_version).where(DataKeyVersion.wrapped.is_not(None)).distinct()
    ).scalars()
    return Snapshot(
        revision,
        tables,
        (int(head[0]), str(head[1])) if head else None,
        sorted(int(v) for v in versions),
    )


# -- SQLite --------------------------------------------------------------------------------
def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupFailed("an in-memory SQLite database cannot be backed up")
    return Path(database)


def dump_sqlite(url: str, target: Path) -> Snapshot:
    source = sqlite3.connect(sqlite_path(url), timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    with open(target, "rb+") as fh:
        os.fsync(fh.fileno())
    engine = make_engine(f"sqlite:///{target}")
    try:
        with engine.connect() as conn:
            snap = figures(conn)
    finally:
        engine.dispose()
    _drop_wal(target)
    return snap


def _drop_wal(path: Path) -> None:
    """Fold a copy's write-ahead log into it (opening it in WAL mode created one)."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


# -- PostgreSQL ----------------------------------------------------------------------------
def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and the environment that carries it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    tool = args[0]
    if shutil.which(tool) is None:
        raise BackupFailed(f"{tool} is not installed (Debian: postgresql-client)", tool=tool)
    # a fixed tool with our own paths and the configured URL: no shell, no user input
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupFailed(f"{what} failed: {last[:300]}", tool=tool)


def dump_postgres(url: str, target: Path) -> Snapshot:
    engine = create_engine(url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as conn, conn.begin():
            snapshot_id = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            snap = figures(conn)
            uri, env = _libpq(make_url(url))
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot_id}",
                    f"--file={target}",
                    f"--dbname={uri}",
                ],
                env,
                "pg_dump",
            )
    finally:
        engine.dispose()
    with open(target, "rb+") as fh:
        os.fsync(fh.fileno())
    return snap


def _admin(url: str):  # type: ignore[no-untyped-def]
    return create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def _q(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


def load_postgres(url: str, dump: Path, name: str) -> str:
    """Restore `dump` into a new database `name` on the same server; returns its URL."""
    admin = _admin(url)
    try:
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {_q(conn, name)} TEMPLATE template0"))
    except Exception as exc:
        raise BackupFailed(
            f"could not create database {name} (the role needs CREATEDB): {str(exc)[:200]}"
        ) from None
    finally:
        admin.dispose()
    target = make_url(url).set(database=name)
    uri, env = _libpq(target)
    try:
        _run(
            ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={uri}", str(dump)],
            env,
            "pg_restore",
        )
    except BaseException:
        drop_postgres(url, name)
        raise
    return target.render_as_string(hide_password=False)


def drop_postgres(url: str, name: str) -> None:
    """Drop a database (PostgreSQL 13 or later: other sessions are ended)."""
    admin = _admin(url)
    try:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {_q(conn, name)} WITH (FORCE)"))
    finally:
        admin.dispose()


def swap_postgres(url: str, restored: str) -> str:
    """Put database `restored` in the place of the live one, both renames in one
    transaction; the old one is kept under a new name, which is returned. New connections
    to the live database are refused first and the open ones ended."""
    live = make_url(url).database
    assert live
    short = live.encode()[:40].decode(errors="ignore")
    kept = f"{short}_before_restore_{secrets.token_hex(3)}"
    admin = _admin(url)
    renamer = create_engine(make_url(url).set(database="postgres"))  # transactional
    try:
        with admin.connect() as conn:
            conn.execute(text(f"ALTER DATABASE {_q(conn, live)} ALLOW_CONNECTIONS false"))
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": live},
            )
            try:
                with renamer.begin() as tx:
                    tx.execute(text(f"ALTER DATABASE {_q(tx, live)} RENAME TO {_q(tx, kept)}"))
                    tx.execute(text(f"ALTER DATABASE {_q(tx, restored)} RENAME TO {_q(tx, live)}"))
            finally:
                current = kept if _exists(conn, kept) else live
                conn.execute(text(f"ALTER DATABASE {_q(conn, current)} ALLOW_CONNECTIONS true"))
    finally:
        renamer.dispose()
        admin.dispose()
    return kept


def _exists(conn: Connection, name: str) -> bool:
    found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
    return found.first() is not None


def scratch_name(prefix: str) -> str:
    return f"imbplus_{prefix}_{secrets.token_hex(4)}"
