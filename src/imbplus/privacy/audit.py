"""The audit log (P11): append-only, SHA-256 hash-chained, checkpointed outside the table.

Records are queued on the database session while a unit of work runs and appended to the
chain just before it commits, in the same transaction as the change they describe (or, for
a unit of work that only read, together with other readers' records: `audit_commit`). Refusals
are also kept when the unit of work rolls back (see `imbplus.uow`). After each commit the
chain head is written to a checkpoint file, so deleting the newest records is detected.
Records carry ids, roles, purposes and categories; never a personal value.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from imbplus.clock import clock
from imbplus.perf import gc_paused
from imbplus.privacy.audit_checkpoint import (
    Checkpoint,
    CheckpointError,
    Mark,
    create_signing_key,
    signing_key,
)
from imbplus.privacy.models import AuditHead, AuditRecord

__all__ = ["Checkpoint", "CheckpointError", "Mark", "create_signing_key", "signing_key"]

GENESIS = "0" * 64
log = logging.getLogger("imbplus.audit")
_PENDING = "imbplus.audit.pending"
_SEP = "\x1f"
_BAD = {c: " " for c in (*range(32), 127)}  # control characters never enter a record

# Evidence writers that must run even when the unit of work fails (e.g. the disclosure
# register row of card data already handed to a payment provider that then declined): a
# list of callables kept in `session.info` under this key, run on a fresh transaction.
KEEP_ON_ROLLBACK = "imbplus.keep_on_rollback"


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


def take_pending(session: Session) -> list[Entry]:
    """Every queued entry, removed from the queue (to be appended)."""
    pending: list[Entry] = session.info.pop(_PENDING, [])
    return pending


def take_kept(session: Session) -> list[Entry]:
    """Entries that must survive a rollback (refusals and errors), removed from the queue."""
    pending: list[Entry] = session.info.pop(_PENDING, [])
    return [e for e in pending if e.keep_on_rollback]


@lru_cache(maxsize=8192)
def _clean(value: str | None, limit: int) -> str:
    text = value or ""
    return (text if text.isprintable() else text.translate(_BAD))[:limit]


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


def _hash(prev: str, seq: int, v: tuple[Any, ...], mac: hmac.HMAC | None = None) -> str:
    """SHA-256 of the record and its predecessor's hash; HMAC-SHA256 with the signing key
    when `mac` is given (the keyed chain). v in _FIELDS order; None is written as ''."""
    text = (
        f"{prev}\x1e{seq}\x1f{v[0]}\x1f{v[1]}\x1f{v[2]}\x1f{v[3]}\x1f{v[4]}\x1f{v[5]}"
        f"\x1f{v[6] or ''}\x1f{v[7]}\x1f{v[8]}\x1f{v[9] or ''}\x1f{v[10]}"
    ).encode()
    if mac is None:
        return hashlib.sha256(text).hexdigest()
    keyed = mac.copy()
    keyed.update(text)
    return keyed.hexdigest()


def chain_hash(prev: str, seq: int, row: dict[str, Any], mac: hmac.HMAC | None = None) -> str:
    return _hash(prev, seq, tuple(row[k] for k in _FIELDS), mac)


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


def append(session: Session, entries: list[Entry], mac: hmac.HMAC | None = None) -> tuple[int, str]:
    """Append to the chain under the head lock (keyed with `mac`); returns the new head."""
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).scalar_one()
    seq, prev = head.seq, head.hash
    rows = []
    with gc_paused():
        for e in entries:
            seq += 1
            values = _values(e)
            digest = _hash(prev, seq, values, mac)
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


@dataclass
class VerifyResult:
    ok: bool
    records: int
    head_seq: int
    first_bad_seq: int | None = None
    problem: str | None = None
    first_keyed: int | None = None  # the first record hashed with the key, if any


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


AnchorCheck = Callable[[Session, list[dict[str, Any]]], list[str]]
_ANCHORS: dict[str, tuple[frozenset[str], AnchorCheck]] = {}
_BACKFILLS: dict[str, Callable[[Any], int]] = {}


def register_anchors(
    name: str,
    actions: frozenset[str],
    check: AnchorCheck,
    backfill: Callable[[Any], int] | None = None,
) -> None:
    """Records anchored in the chain: `verify` hands the records of `actions` (in order) to
    `check`, which compares them with the tables and returns the problems it finds;
    `backfill(runtime)` anchors what an older version left unanchored (run by `init`)."""
    _ANCHORS[name] = (actions, check)
    if backfill is not None:
        _BACKFILLS[name] = backfill


def backfill_anchors(runtime: Any) -> int:
    return sum(backfill(runtime) for _name, backfill in sorted(_BACKFILLS.items()))


def _check_anchors(session: Session, found: dict[str, list[dict[str, Any]]]) -> list[str]:
    problems = []
    for name, (_actions, check) in sorted(_ANCHORS.items()):
        problems += [f"{name}: {p}" for p in check(session, found.get(name, []))]
    return problems


class _Chain:
    """Walks the records in order; keyed from `keyed_from` on (from the signed checkpoint),
    or, when that is unknown, from the first record that only the key explains."""

    def __init__(self, mac: hmac.HMAC | None, keyed_from: int | None) -> None:
        self.mac, self.keyed_from = mac, keyed_from
        self.prev, self.expected, self.checked = GENESIS, 1, 0
        self.first_keyed: int | None = None

    def step(self, row: dict[str, Any]) -> VerifyResult | None:
        seq = row["seq"]
        if seq != self.expected:
            return self.bad(seq, f"record {self.expected} is missing (next present is {seq})")
        if row["prev_hash"] != self.prev:
            return self.bad(seq, f"record {seq} does not link to record {seq - 1}")
        if not self._matches(seq, row):
            return self.bad(seq, f"record {seq} was altered (hash mismatch)")
        self.prev, self.expected, self.checked = row["hash"], seq + 1, self.checked + 1
        return None

    def _matches(self, seq: int, row: dict[str, Any]) -> bool:
        keyed = self.first_keyed is not None or (
            self.keyed_from is not None and seq >= self.keyed_from
        )
        if keyed:
            if self.mac is None:
                return False
            ok = bool(chain_hash(self.prev, seq, row, self.mac) == row["hash"])
        else:
            ok = bool(chain_hash(self.prev, seq, row) == row["hash"])
            if not ok and self.keyed_from is None and self.mac is not None:
                ok = bool(chain_hash(self.prev, seq, row, self.mac) == row["hash"])
                keyed = ok
        if ok and keyed and self.first_keyed is None:
            self.first_keyed = seq
        return ok

    def bad(self, seq: int | None, problem: str) -> VerifyResult:
        expected = self.expected if seq is None else min(seq, self.expected)
        return VerifyResult(False, self.checked, self.expected - 1, expected, problem)


def verify(
    session: Session,
    checkpoint: Checkpoint | None,
    progress: Callable[[int], None] | None = None,
    *,
    require_checkpoint: bool = True,
) -> VerifyResult:
    """Walk the whole chain; report the first record that breaks it, then compare the head
    with the signed checkpoint (unless `require_checkpoint` is False: the chain alone)."""
    mark, mark_problem, mac, peers = None, None, None, []
    if checkpoint is not None:
        try:
            mac = hmac.new(checkpoint.key, digestmod=hashlib.sha256)
            mark = checkpoint.mark()
            peers = checkpoint.peer_marks()
        except CheckpointError as bad:
            mark_problem = str(bad)
    chain = _Chain(mac, mark.keyed_from if mark else None)
    marks = ([("", mark)] if mark else []) + peers
    wanted = {m.seq for _name, m in marks}
    seen: dict[int, str] = {}
    anchored = {a for actions, _check in _ANCHORS.values() for a in actions}
    found: dict[str, list[dict[str, Any]]] = {}
    result = session.execute(
        select(*_COLUMNS).order_by(AuditRecord.seq).execution_options(yield_per=20_000)
    )
    for partition in result.partitions():
        for values in partition:
            row = dict(zip(_KEYS, values, strict=True))
            broken = chain.step(row)
            if broken is not None:
                return broken
            if row["seq"] in wanted:
                seen[row["seq"]] = row["hash"]
            if row["action"] in anchored:
                for name, (actions, _check) in _ANCHORS.items():
                    if row["action"] in actions:
                        found.setdefault(name, []).append(row)
        if progress:
            progress(len(partition))
    ended = _ends(session, chain, marks, seen, None if not require_checkpoint else mark_problem)
    if not ended.ok:
        return ended
    problems = _check_anchors(session, found)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return VerifyResult(False, ended.records, ended.head_seq, None, problems[0] + more)
    return ended


def _ends(
    session: Session,
    chain: _Chain,
    marks: list[tuple[str, Mark]],
    seen: dict[int, str],
    mark_problem: str | None,
) -> VerifyResult:
    """The head row names the last record; each checkpoint (this host's, named "", then the
    other hosts') names a record that is there, unchanged."""
    last, n = chain.expected - 1, chain.checked
    head = session.get(AuditHead, 1)
    if head is None or head.seq != last or head.hash != chain.prev:
        return VerifyResult(
            False,
            n,
            last,
            last + 1 if head and head.seq > last else last,
            f"chain head names record {head.seq if head else '?'}, the log ends at {last}",
        )
    if mark_problem is not None:
        return VerifyResult(False, n, last, None, mark_problem)
    for name, mark in marks:
        if mark.seq > last:
            whose = f"the checkpoint of {name}" if name else "checkpoint"
            problem = (
                f"newest records deleted: {whose} names record {mark.seq}, the log ends at {last}"
            )
            return VerifyResult(False, n, last, last + 1, problem)
        if mark.seq > 0 and seen.get(mark.seq) != mark.hash:
            whose = f"the checkpoint of {name}" if name else "the checkpoint"
            problem = f"record {mark.seq} differs from {whose} (chain rewritten)"
            return VerifyResult(False, n, last, mark.seq, problem)
    return VerifyResult(True, n, last, first_keyed=chain.first_keyed)


def records(
    session: Session,
    *,
    subject_id: str | None = None,
    limit: int = 100,
    before_seq: int | None = None,
    hide_requests: Sequence[str] = (),
) -> list[AuditRecord]:
    """Newest first; `hide_requests`: leave out the records of these units of work."""
    stmt = select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(limit)
    if subject_id is not None:
        stmt = stmt.where(AuditRecord.subject_id == subject_id)
    if hide_requests:
        stmt = stmt.where(AuditRecord.request_id.not_in(list(hide_requests)))
    if before_seq is not None:
        stmt = stmt.where(AuditRecord.seq < before_seq)
    return list(session.execute(stmt).scalars())
