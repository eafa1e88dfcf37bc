"""The audit log (P11): append-only, SHA-256 hash-chained, checkpointed outside the table.

Records are queued on the database session while a unit of work runs and appended to the
chain just before it commits, in the same transaction as the change they describe. Refusals
are also kept when the unit of work rolls back (see `imbplus.uow`). After each commit the
chain head is written to a checkpoint file, so deleting the newest records is detected.
Records carry ids, roles, purposes and categories; never a personal value.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from imbplus.clock import clock
from imbplus.perf import gc_paused
from imbplus.privacy.models import AuditHead, AuditRecord

GENESIS = "0" * 64
log = logging.getLogger("imbplus.audit")
_PENDING = "imbplus.audit.pending"
_HEAD = "imbplus.audit.head"
_SEP = "\x1f"
_BAD = str.maketrans({"\x00": " ", "\x1f": " ", "\x1e": " ", "\n": " ", "\r": " "})


@dataclass(slots=True)
class Entry:
    actor_kind: str
    actor_id: str
    actor_role: str
    purpose: str
    categories: str
    subject_id: str | None
    action: str
    result: str  # allowed | denied | error | done
    reason: str | None
    request_id: str
    ts_us: int = field(default_factory=clock.now_us)
    keep_on_rollback: bool = False


def queue(session: Session, entries: Iterable[Entry]) -> None:
    session.info.setdefault(_PENDING, []).extend(entries)


def take_kept(session: Session) -> list[Entry]:
    """Entries that must survive a rollback (refusals and errors), removed from the queue."""
    pending: list[Entry] = session.info.pop(_PENDING, [])
    return [e for e in pending if e.keep_on_rollback]


@lru_cache(maxsize=8192)
def _clean(value: str | None, limit: int) -> str:
    return (value or "").translate(_BAD)[:limit]


_FIELDS = (
    "ts_us",
    "actor_kind",
    "actor_id",
    "actor_role",
    "purpose",
    "categories",
    "subject_id",
    "action",
    "result",
    "reason",
    "request_id",
)
_INSERT_COLUMNS = ("seq", *_FIELDS, "prev_hash", "hash")


def _hash(prev: str, seq: int, v: tuple[Any, ...]) -> str:
    # v in _FIELDS order; None is written as an empty string
    text = (
        f"{prev}\x1e{seq}\x1f{v[0]}\x1f{v[1]}\x1f{v[2]}\x1f{v[3]}\x1f{v[4]}\x1f{v[5]}"
        f"\x1f{v[6] or ''}\x1f{v[7]}\x1f{v[8]}\x1f{v[9] or ''}\x1f{v[10]}"
    )
    return hashlib.sha256(text.encode()).hexdigest()


def chain_hash(prev: str, seq: int, row: dict[str, Any]) -> str:
    return _hash(prev, seq, tuple(row[k] for k in _FIELDS))


def _values(e: Entry) -> tuple[Any, ...]:
    return (
        e.ts_us,
        _clean(e.actor_kind, 16),
        _clean(e.actor_id, 64),
        _clean(e.actor_role, 64),
        _clean(e.purpose, 32),
        _clean(e.categories, 255),
        _clean(e.subject_id, 64) if e.subject_id else None,
        _clean(e.action, 64),
        _clean(e.result, 16),
        _clean(e.reason, 255) if e.reason else None,
        _clean(e.request_id, 64),
    )


def append(session: Session, entries: list[Entry]) -> tuple[int, str]:
    """Append to the chain under the head lock; returns the new head."""
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).scalar_one()
    seq, prev = head.seq, head.hash
    rows = []
    with gc_paused():
        for e in entries:
            seq += 1
            values = _values(e)
            digest = _hash(prev, seq, values)
            rows.append((seq, *values, prev, digest))
            prev = digest
    conn = session.connection()
    columns = ", ".join(_INSERT_COLUMNS)
    if conn.dialect.name == "postgresql":  # COPY: several times faster than INSERT batches
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY audit_log ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.close()
        session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=seq, hash=prev))
        return seq, prev
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    conn.exec_driver_sql(
        f"INSERT INTO audit_log ({', '.join(_INSERT_COLUMNS)}) "  # noqa: S608 - fixed names
        f"VALUES ({', '.join([mark] * len(_INSERT_COLUMNS))})",
        rows,
    )
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=seq, hash=prev))
    return seq, prev


class Checkpoint:
    """The chain head kept outside the database; it only moves forward."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> tuple[int, str] | None:
        try:
            doc = json.loads(self.path.read_text())
            return int(doc["seq"]), str(doc["hash"])
        except FileNotFoundError:
            return None

    def advance(self, seq: int, digest: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        with open(lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            current = self.read()
            if current is not None and current[0] >= seq:
                return
            tmp = self.path.with_name(self.path.name + ".tmp")
            with open(tmp, "w") as fh:
                json.dump({"seq": seq, "hash": digest}, fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)

    def reset(self) -> None:
        self.path.unlink(missing_ok=True)


def install(factory: sessionmaker[Session], checkpoint: Checkpoint) -> None:
    """Hook the queue into every unit of work made by `factory`."""
    from sqlalchemy import event

    def before_commit(session: Session) -> None:
        pending: list[Entry] = session.info.pop(_PENDING, [])
        if pending:
            session.info[_HEAD] = append(session, pending)

    def after_commit(session: Session) -> None:
        head = session.info.pop(_HEAD, None)
        if head is not None:
            try:
                checkpoint.advance(*head)
            except OSError as exc:  # the records are committed; the checkpoint only lags
                log.error(
                    "audit checkpoint not written (%s); it lags the chain head", type(exc).__name__
                )

    def after_rollback(session: Session) -> None:
        session.info.pop(_HEAD, None)

    event.listen(factory, "before_commit", before_commit)
    event.listen(factory, "after_commit", after_commit)
    event.listen(factory, "after_soft_rollback", lambda s, _t: after_rollback(s))


@dataclass
class VerifyResult:
    ok: bool
    records: int
    head_seq: int
    first_bad_seq: int | None = None
    problem: str | None = None


_COLUMNS = (
    AuditRecord.seq,
    AuditRecord.ts_us,
    AuditRecord.actor_kind,
    AuditRecord.actor_id,
    AuditRecord.actor_role,
    AuditRecord.purpose,
    AuditRecord.categories,
    AuditRecord.subject_id,
    AuditRecord.action,
    AuditRecord.result,
    AuditRecord.reason,
    AuditRecord.request_id,
    AuditRecord.prev_hash,
    AuditRecord.hash,
)
_KEYS = [c.key for c in _COLUMNS]


def count(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(AuditRecord)).scalar_one())


def verify(
    session: Session, checkpoint: Checkpoint | None, progress: Callable[[int], None] | None = None
) -> VerifyResult:
    """Walk the whole chain; report the first record that breaks it."""
    expected, prev, checked = 1, GENESIS, 0
    mark = checkpoint.read() if checkpoint else None
    mark_hash_seen: str | None = None
    result = session.execute(
        select(*_COLUMNS).order_by(AuditRecord.seq).execution_options(yield_per=20_000)
    )
    for partition in result.partitions():
        for values in partition:
            row = dict(zip(_KEYS, values, strict=True))
            seq = row["seq"]
            if seq != expected:
                return VerifyResult(
                    False,
                    checked,
                    expected - 1,
                    expected,
                    f"record {expected} is missing (next present is {seq})",
                )
            if row["prev_hash"] != prev:
                return VerifyResult(
                    False, checked, seq - 1, seq, f"record {seq} does not link to record {seq - 1}"
                )
            digest = chain_hash(prev, seq, row)
            if digest != row["hash"]:
                return VerifyResult(
                    False, checked, seq - 1, seq, f"record {seq} was altered (hash mismatch)"
                )
            if mark and seq == mark[0]:
                mark_hash_seen = digest
            prev, expected, checked = digest, seq + 1, checked + 1
        if progress:
            progress(len(partition))
    last = expected - 1
    head = session.get(AuditHead, 1)
    if head is None or head.seq != last or head.hash != prev:
        return VerifyResult(
            False,
            checked,
            last,
            last + 1 if head and head.seq > last else last,
            f"chain head names record {head.seq if head else '?'}, the log ends at {last}",
        )
    if mark:
        if mark[0] > last:
            return VerifyResult(
                False,
                checked,
                last,
                last + 1,
                f"newest records deleted: checkpoint names record {mark[0]}, "
                f"the log ends at {last}",
            )
        if mark_hash_seen != mark[1] and mark[0] > 0:
            return VerifyResult(
                False,
                checked,
                last,
                mark[0],
                f"record {mark[0]} differs from the checkpoint (chain rewritten)",
            )
    return VerifyResult(True, checked, last)


def records(
    session: Session,
    *,
    subject_id: str | None = None,
    limit: int = 100,
    before_seq: int | None = None,
) -> list[AuditRecord]:
    stmt = select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(limit)
    if subject_id is not None:
        stmt = stmt.where(AuditRecord.subject_id == subject_id)
    if before_seq is not None:
        stmt = stmt.where(AuditRecord.seq < before_seq)
    return list(session.execute(stmt).scalars())
