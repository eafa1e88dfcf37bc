"""When the audit records of a unit of work reach the chain (P11).

A unit of work that changes something appends its records just before it commits, in the
same transaction as the change they describe. A unit of work that only read (a page, an
API read: `Runtime.unit_of_work(reading=True)`) has nothing to bind them to, and many of
them run at once: their records are appended together (group commit). The first reader to
commit leads: it takes the records every reader queued so far, appends them in its own
transaction under the head lock and commits; the others wait until that commit is durable,
or fail with it. No reader returns before its records are on disk, so nothing that was
acknowledged is lost, and the chain is appended by one transaction at a time, as always.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from imbplus.db import only_read
from imbplus.privacy.audit import Entry, append, take_pending
from imbplus.privacy.audit_checkpoint import Checkpoint

log = logging.getLogger("imbplus.audit")
_HEAD = "imbplus.audit.head"
_BATCH = "imbplus.audit.batch"
WAIT_S = 120.0  # a reader waits this long for the leader's commit, then fails


class AuditNotWritten(RuntimeError):
    """The commit that carried these audit records failed: what they describe is not given
    out."""


@dataclass(eq=False)
class _Reader:
    entries: list[Entry]
    state: str = "waiting"  # waiting | done | failed
    event: threading.Event = field(default_factory=threading.Event)


class GroupCommit:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: list[_Reader] = []
        self._leading = False

    def join(self, entries: list[Entry]) -> list[_Reader] | None:
        """Queue a reader's records. Returns the batch to append when this reader leads, or
        None once another reader's commit carried them (AuditNotWritten if it failed)."""
        me = _Reader(entries)
        with self._lock:
            self._queue.append(me)
            batch = self._lead()
        while batch is None:
            if not me.event.wait(WAIT_S):
                raise AuditNotWritten("the audit records of this read were not committed in time")
            with self._lock:  # states change under the lock only
                if me.state == "done":
                    return None
                if me.state == "failed":
                    raise AuditNotWritten("the commit carrying these audit records failed")
                me.event.clear()
                batch = self._lead()
        return batch

    def _lead(self) -> list[_Reader] | None:
        if self._leading:
            return None
        self._leading = True
        batch, self._queue = self._queue, []
        return batch

    def finish(self, batch: list[_Reader], ok: bool) -> None:
        """The leader's commit ended: wake its readers, and let the next reader lead."""
        with self._lock:
            for reader in batch:
                reader.state = "done" if ok else "failed"
                reader.event.set()
            self._leading = False
            if self._queue:
                self._queue[0].event.set()  # still waiting: it leads the next batch


def install(factory: sessionmaker[Session], checkpoint: Checkpoint) -> None:
    """Hook the audit queue into every unit of work made by `factory`."""
    group = GroupCommit()

    def before_commit(session: Session) -> None:
        pending = take_pending(session)
        if not pending:
            return
        if not only_read(session):
            session.info[_HEAD] = append(session, pending, checkpoint.record_mac())
            return
        batch = group.join(pending)
        if batch is None:
            return  # another reader's commit carried them
        session.info[_BATCH] = batch
        entries = [entry for reader in batch for entry in reader.entries]
        session.info[_HEAD] = append(session, entries, checkpoint.record_mac())

    def after_commit(session: Session) -> None:
        head = session.info.pop(_HEAD, None)
        batch = session.info.pop(_BATCH, None)
        if batch is not None:
            group.finish(batch, True)
        if head is not None:
            try:
                checkpoint.advance(*head)
            except OSError as exc:  # the records are committed; the checkpoint only lags
                log.error(
                    "audit checkpoint not written (%s); it lags the chain head", type(exc).__name__
                )

    def after_rollback(session: Session) -> None:
        session.info.pop(_HEAD, None)
        batch = session.info.pop(_BATCH, None)
        if batch is not None:
            group.finish(batch, False)

    event.listen(factory, "before_commit", before_commit)
    event.listen(factory, "after_commit", after_commit)
    event.listen(factory, "after_soft_rollback", lambda s, _t: after_rollback(s))
