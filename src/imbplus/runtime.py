"""What a process needs at run time: engine, unit of work, keyring, gate, audit checkpoint."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property

from sqlalchemy.orm import Session

from imbplus.db import make_engine, make_sessionmaker
from imbplus.privacy import audit, erasure_journal, masterkey
from imbplus.privacy.access import Actor, Context, Gate
from imbplus.privacy.catalog import Purpose
from imbplus.privacy.crypto import Keyring
from imbplus.settings import Settings

KEEP_ON_ROLLBACK = audit.KEEP_ON_ROLLBACK  # evidence writers run after a rollback


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
        self.checkpoint = audit.Checkpoint(
            settings.checkpoint_file, settings.audit_key_file, settings.audit_peer_checkpoints
        )
        self._checkpoint_reported = False
        audit.install(self.sessions, self.checkpoint)
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
    def unit_of_work(self) -> Iterator[Session]:
        """Commit on success; on failure roll back but still record refusals and errors."""
        session = self.sessions()
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

    def dispose(self) -> None:
        self.engine.dispose()
