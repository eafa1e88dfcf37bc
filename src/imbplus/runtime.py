"""What a process needs at run time: engine, unit of work, keyring, gate, audit checkpoint,
and the lease that lets a scheduled job run on one host at a time."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property

from sqlalchemy import text
from sqlalchemy.orm import Session

from imbplus.db import READING, advisory_key, make_engine, make_sessionmaker
from imbplus.errors import Conflict
from imbplus.privacy import audit, audit_commit, erasure_journal, masterkey
from imbplus.privacy.access import Actor, Context, Gate
from imbplus.privacy.catalog import Purpose
from imbplus.privacy.crypto import Keyring
from imbplus.settings import Settings

KEEP_ON_ROLLBACK = audit.KEEP_ON_ROLLBACK  # evidence writers run after a rollback


class LeaseTaken(Conflict):
    """Another run of the same job holds its lease (on this host or another): this run does
    nothing, and says so."""

    code = "lease_taken"


def lease_key(name: str) -> int:
    """The advisory-lock key of a job: 64 bits of a hash of its name, signed as PostgreSQL
    wants them."""
    return advisory_key(f"imbplus.lease:{name}")


def rollback_keeping_evidence(session: Session) -> None:
    """Undo the work of a failed step inside a request but keep its evidence (refusals,
    errors, hand-overs already made) in the session's next transaction; for pages that
    answer a failure with a form instead of an error."""
    kept = audit.take_kept(session)
    evidence = session.info.pop(KEEP_ON_ROLLBACK, [])
    session.rollback()
    audit.queue(session, kept)
    for record in evidence:
        record(session)


class Runtime:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = make_engine(settings.db_url)
        self.sessions = make_sessionmaker(self.engine)
        self._reading_engine = self.engine.execution_options(**{READING: True})
        self.checkpoint = audit.Checkpoint(
            settings.checkpoint_file, settings.audit_key_file, settings.audit_peer_checkpoints
        )
        self._checkpoint_reported = False
        audit_commit.install(self.sessions, self.checkpoint)
        erasure_journal.install(self.sessions, settings.erasure_journal)

    @cached_property
    def gate(self) -> Gate:
        return Gate()

    @cached_property
    def keyring(self) -> Keyring:
        return Keyring(masterkey.load(self.settings.key_file))

    def reload_keyring(self) -> None:
        self.__dict__.pop("keyring", None)

    @contextmanager
    def unit_of_work(self, *, reading: bool = False) -> Iterator[Session]:
        """Commit on success; on failure roll back but still record refusals and errors.

        `reading`: work that mostly reads (a page, an API read). On SQLite it does not take
        the write lock up front, so reads do not queue behind each other; its first write
        (the audit records of what it revealed, appended at the commit) takes the lock, on
        the newest state, and holds it until the commit, which returns only once durable."""
        session = self.sessions(bind=self._reading_engine) if reading else self.sessions()
        try:
            yield session
            session.commit()
            if self.checkpoint.problem is not None and not self._checkpoint_reported:
                self._report_checkpoint(self.checkpoint.problem)
        except BaseException:
            kept = audit.take_kept(session)
            evidence = session.info.pop(KEEP_ON_ROLLBACK, [])
            session.rollback()
            if kept or evidence:
                with self.sessions() as side:
                    audit.queue(side, kept)
                    for record in evidence:
                        record(side)
                    side.commit()
            raise
        finally:
            session.close()

    def _report_checkpoint(self, problem: str) -> None:
        """The checkpoint could not be advanced: an incident (B05), once per process and
        problem; the work that was being committed stands."""
        from imbplus.privacy import incidents

        self._checkpoint_reported = True
        signal = incidents.Signal(
            "audit_broken", f"audit_checkpoint:{problem}"[:128], f"audit {problem}", "high", 0
        )
        try:
            with self.job("audit_checkpoint", Purpose.SECURITY) as ctx:
                incidents.record(ctx, signal)
        except Exception:  # the incident is for later; requests must keep working
            audit.log.exception("incident for the audit checkpoint not recorded")

    @contextmanager
    def job(self, name: str, purpose: Purpose) -> Iterator[Context]:
        """A unit of work for a system job (CLI commands, scheduled work)."""
        with self.unit_of_work() as session:
            yield Context(session, self, Actor.system(name), purpose)

    @contextmanager
    def lease(self, name: str) -> Iterator[None]:
        """Hold the lease of job `name` while the block runs, or raise LeaseTaken at once.

        PostgreSQL: a session advisory lock (`pg_try_advisory_lock`) on a connection of its
        own, shared by every host of the database and released when the block ends or the
        process dies. SQLite serves one host: a lock on a file in the data directory, which
        keeps two processes of that host apart the same way."""
        if self.engine.dialect.name == "postgresql":
            with self._pg_lease(name):
                yield
            return
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        path = self.settings.data_dir / f".lease-{name}"
        with open(path, "a") as held:
            try:
                fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise LeaseTaken(f"another run of {name} is under way on this host") from None
            yield

    @contextmanager
    def _pg_lease(self, name: str) -> Iterator[None]:
        key = lease_key(name)
        with self.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
            if not got:
                holder = conn.execute(
                    text(
                        "SELECT a.pid, a.client_addr FROM pg_locks l JOIN pg_stat_activity a "
                        "ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
                        "AND l.classid::bigint = :hi AND l.objid::bigint = :lo"
                    ),
                    {"hi": (key >> 32) & 0xFFFFFFFF, "lo": key & 0xFFFFFFFF},
                ).first()
                where = (
                    f" (database session {holder[0]} from {holder[1] or 'local'})" if holder else ""
                )
                raise LeaseTaken(f"another run of {name} holds its lease{where}")
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})

    def dispose(self) -> None:
        self.engine.dispose()
