"""Engine, sessions and the declarative base. SQLite runs in WAL mode with foreign keys on."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC on every engine."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use imbplus.clock")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Execution option of a unit of work that mostly reads (`Runtime.unit_of_work(reading=True)`):
# on SQLite it begins without the write lock. PostgreSQL never locks for reading anyway.
READING = "imbplus_reading"
_STATE = "imbplus.tx"  # per connection: "read", "deferred" (SQLite, no write lock), "wrote"
# A SAVEPOINT counts as a write: taking the lock later would end the read and the savepoint.
_READ_WORDS = ("SELECT", "PRAGMA", "RELEASE", "ROLLBAC", "EXPLAIN", "VALUES")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        _sqlite_pragmas(engine)
    else:
        engine = create_engine(url, pool_pre_ping=True, **kwargs)
    _track_writes(engine)
    return engine


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=FULL")  # a commit is on disk when it returns
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()


def _track_writes(engine: Engine) -> None:
    sqlite = is_sqlite(engine)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # SQLite: a unit of work that writes takes the write lock up front instead of
        # failing on a read-to-write upgrade under concurrency; a reading one (READING) does
        # not queue on it and takes it at its first write (`_on_execute`).
        deferred = sqlite and conn.get_execution_options().get(READING, False)
        conn.info[_STATE] = None
        if sqlite:
            conn.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")
        conn.info[_STATE] = "deferred" if deferred else "read"

    @event.listens_for(engine, "before_cursor_execute")
    def _on_execute(
        conn: Any, cursor: Any, statement: str, _params: Any, context: Any, _many: bool
    ) -> None:
        state = conn.info.get(_STATE)
        if state in ("read", "deferred") and _writes(statement, context):
            if state == "deferred":
                # SQLite cannot upgrade a read transaction once another writer committed
                # (and does not wait for the lock when it tries): end the read (it changed
                # nothing) and take the write lock, waiting for it. The writes and every
                # read after them see the newest state and hold the lock to the commit.
                _take_write_lock(conn)
            conn.info[_STATE] = "wrote"


def _take_write_lock(conn: Any) -> None:
    dbapi = conn.connection.dbapi_connection
    dbapi.execute("COMMIT")
    dbapi.execute("BEGIN IMMEDIATE")


def only_read(session: Session) -> bool:
    """The session belongs to a reading unit of work that has written nothing so far (and
    has nothing waiting to be flushed)."""
    if session.new or session.dirty or session.deleted:
        return False
    conn = session.connection()
    return bool(conn.get_execution_options().get(READING)) and conn.info.get(_STATE) in (
        "read",
        "deferred",
    )


def advisory_key(name: str) -> int:
    """A PostgreSQL advisory-lock key for `name`: 64 bits of its SHA-256, signed."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def serialize(session: Session, names: Iterable[str]) -> None:
    """Until the transaction ends, no other transaction holding one of `names` runs past this
    point: count-then-insert (rate limits) becomes one step. PostgreSQL: transaction advisory
    locks, taken in one order so that two callers never wait on each other; SQLite: the
    database's write lock (a reading unit of work takes it now)."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        for key in sorted({advisory_key(f"imbplus.serialize:{n}") for n in names}):
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})
    elif conn.info.get(_STATE) == "deferred":
        _take_write_lock(conn)
    conn.info[_STATE] = "wrote"  # it holds a lock: it never waits for other readers


def _writes(statement: str, context: Any) -> bool:
    compiled = getattr(context, "compiled", None)
    if compiled is not None and getattr(compiled.statement, "_for_update_arg", None) is not None:
        return True  # SELECT ... FOR UPDATE: SQLite drops the clause, the intent stays
    word = statement.lstrip()[:7].upper()
    return not word.startswith(_READ_WORDS)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
