"""Key rotation (P12): new data-key versions, re-encryption, then destruction of the old ones.

Safe to interrupt and run again: each batch is its own transaction, and an unfinished run
(a `key_rotations` row without `finished_at`) is resumed instead of starting over. Old key
versions are destroyed only after a full pass finds no value still using them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any, Protocol

from sqlalchemy import RowMapping, Table, func, select, update
from sqlalchemy.orm import Session

from imbplus.clock import clock
from imbplus.db import Base
from imbplus.privacy import masterkey
from imbplus.privacy.access import Context, Platform
from imbplus.privacy.catalog import (
    FIELDS,
    Action,
    FieldSpec,
    Protection,
    Purpose,
    encrypted_fields,
)
from imbplus.privacy.crypto import SCOPE_BLIND_INDEX, key_ref
from imbplus.privacy.models import DataKey, DataKeyVersion, KeyRotation


class Jobs(Platform, Protocol):
    """What a rotation runs on: units of work and system jobs (the runtime has them)."""

    def unit_of_work(self) -> AbstractContextManager[Session]: ...

    def job(self, name: str, purpose: Purpose) -> AbstractContextManager[Context]: ...

    def reload_keyring(self) -> None: ...


Progress = Callable[[str, int, int], None]  # phase, done, total
BATCH = 500
Reencrypted = Callable[[Context, Mapping[str, Any]], None]
_HOOKS: dict[str, list[Reencrypted]] = {}
Rewrite = Callable[[Context, str, str], None]  # context, row id, the source value
_DERIVED: dict[str, list[tuple[str, Rewrite]]] = {}


def on_reencrypted(table: str, hook: Reencrypted) -> None:
    """Call `hook` with each row of `table` re-encrypted (its new values), in the same
    transaction (e.g. sealed records re-anchor their new ciphertexts in the audit chain)."""
    _HOOKS.setdefault(table, []).append(hook)


def on_blind_rotation(table: str, source: str, rewrite: Rewrite) -> None:
    """A blind index kept outside its row (the words of a name, one digest each): when the
    blind-index key has a new version, `rewrite(ctx, row_id, value)` is called with the
    value of `source` of each row of `table`, to hash it again under the new version."""
    _DERIVED.setdefault(table, []).append((source, rewrite))


@dataclass
class RotationReport:
    rotation_id: int
    resumed: bool
    keys_rotated: int
    values_reencrypted: int
    versions_destroyed: int
    master_rewrapped: int


def _noop(_phase: str, _done: int, _total: int) -> None:
    return None


def rotate(rt: Jobs, *, master: bool = False, progress: Progress = _noop) -> RotationReport:
    with rt.unit_of_work() as s:
        job = s.execute(
            select(KeyRotation).where(KeyRotation.finished_at.is_(None)).order_by(KeyRotation.id)
        ).scalar()
        resumed = job is not None
        if job is None:
            job = KeyRotation(
                started_at=clock.now(), master=master, keys_rotated=0, values_reencrypted=0
            )
            s.add(job)
            s.flush()
        job_id, started_at, master = job.id, job.started_at, job.master or master
        job.master = master
    rewrapped = _rotate_master(rt, progress) if master else 0
    keys = _new_versions(rt, started_at, progress)
    values = 0
    for _ in range(5):
        changed = _reencrypt(rt, progress)
        values += changed
        if changed == 0:
            break
    with rt.job("key_rotation", Purpose.SECURITY) as ctx:
        destroyed = rt.keyring.destroy_retired(ctx.session)
        job = ctx.session.get(KeyRotation, job_id)
        assert job is not None
        job.keys_rotated += keys
        job.values_reencrypted += values
        job.finished_at = clock.now()
        ctx.note(
            "keys.rotation_finished",
            reason=f"rotation:{job_id} keys={keys} values={values} destroyed={destroyed}",
        )
    return RotationReport(job_id, resumed, keys, values, destroyed, rewrapped)


def _rotate_master(rt: Jobs, progress: Progress) -> int:
    path = rt.settings.key_file
    current = masterkey.load(path)
    with rt.unit_of_work() as s:
        stale = s.execute(
            select(func.count())
            .select_from(DataKeyVersion)
            .where(
                DataKeyVersion.wrapped.is_not(None),
                DataKeyVersion.master_version != current.active,
            )
        ).scalar_one()
    if stale == 0 and len(current.keys) == 1:
        current = current.with_new_version()
        masterkey.save(path, current)  # both versions on disk before anything is re-wrapped
    rt.reload_keyring()
    total, done = _count_live_versions(rt), 0
    while True:
        with rt.job("key_rotation", Purpose.SECURITY) as ctx:
            rows = (
                ctx.session.execute(
                    select(DataKeyVersion)
                    .where(
                        DataKeyVersion.wrapped.is_not(None),
                        DataKeyVersion.master_version != current.active,
                    )
                    .limit(BATCH)
                    .with_for_update()
                )
                .scalars()
                .all()
            )
            for row in rows:
                rt.keyring.rewrap(row, current)
            if rows:
                ctx.note("keys.master_rewrap", reason=f"versions={len(rows)}")
        done += len(rows)
        progress("master key", min(done, total), total)
        if len(rows) < BATCH:
            break
    masterkey.save(path, current.without_versions(set(current.keys) - {current.active}))
    rt.reload_keyring()
    return done


def _count_live_versions(rt: Jobs) -> int:
    with rt.unit_of_work() as s:
        return int(
            s.execute(
                select(func.count())
                .select_from(DataKeyVersion)
                .where(DataKeyVersion.wrapped.is_not(None))
            ).scalar_one()
        )


def _new_versions(rt: Jobs, started_at: datetime, progress: Progress) -> int:
    """Give every active key a version newer than the start of this run."""
    stale = (
        select(DataKey.id)
        .join(
            DataKeyVersion,
            (DataKeyVersion.key_id == DataKey.id)
            & (DataKeyVersion.version == DataKey.active_version),
        )
        .where(DataKey.state == "active", DataKeyVersion.created_at < started_at)
        .order_by(DataKey.id)
    )
    with rt.unit_of_work() as s:
        total = int(s.execute(select(func.count()).select_from(stale.subquery())).scalar_one())
    done = 0
    while True:
        with rt.job("key_rotation", Purpose.SECURITY) as ctx:
            ids = list(ctx.session.execute(stale.limit(BATCH)).scalars())
            for key_id in ids:
                rt.keyring.rotate(ctx.session, key_id)
            if ids:
                ctx.note("keys.new_versions", reason=f"keys={len(ids)}")
        done += len(ids)
        progress("new key versions", done, total)
        if len(ids) < BATCH:
            return done


def _tables() -> dict[str, Table]:
    return {
        name: t
        for name, t in Base.metadata.tables.items()
        if any(f.table == name for f in encrypted_fields())
    }


def _reencrypt(rt: Jobs, progress: Progress) -> int:
    """Re-encrypt every value whose key version is not its key's active version."""
    tables = _tables()
    with rt.unit_of_work() as s:
        total = sum(
            int(s.execute(select(func.count()).select_from(t)).scalar_one())
            for t in tables.values()
        )
    done = changed = 0
    for name, table in tables.items():
        pk = next(iter(table.primary_key.columns))
        enc = [f for f in encrypted_fields() if f.table == name]
        bidx = [
            f for f in FIELDS.values() if f.table == name and f.protection == Protection.BLIND_INDEX
        ]
        last = None
        while True:
            with rt.job("key_rotation", Purpose.SECURITY) as ctx:
                stmt = select(table).order_by(pk).limit(BATCH).with_for_update()
                if last is not None:
                    stmt = stmt.where(pk > last)
                rows = ctx.session.execute(stmt).mappings().all()
                if rows:
                    changed += _reencrypt_rows(ctx, table, pk.name, rows, enc, bidx)
                    last = rows[-1][pk.name]
            done += len(rows)
            progress("re-encrypt", min(done, total), total)
            if len(rows) < BATCH:
                break
    return changed


def _stale(ctx: Context, blob: bytes | None) -> bool:
    if blob is None:
        return False
    key_id, version = key_ref(blob)
    return version != ctx.keyring.active_version(ctx.session, key_id)


_Work = tuple[RowMapping, set[str], set[str], SimpleNamespace]


def _plan(
    ctx: Context,
    table: str,
    rows: Sequence[RowMapping],
    columns: tuple[str, ...],
    bidx: list[FieldSpec],
) -> list[_Work]:
    """Per row: the columns under an old key version, the sources of blind indexes to
    recompute, and the row with every other encrypted column left out (not revealed)."""
    blind_key = ctx.keyring.system_key(ctx.session, SCOPE_BLIND_INDEX)
    blind_rotating = len(ctx.keyring.live_versions(ctx.session, blind_key)) > 1
    work = []
    for row in rows:
        stale = {c for c in columns if _stale(ctx, row[c])}
        sources = {
            spec.blind_index_of
            for spec in (bidx if blind_rotating or stale else ())
            if spec.blind_index_of
            and row[spec.blind_index_of] is not None
            and row[spec.column] is not None
        }
        if blind_rotating:
            sources |= {c for c, _ in _DERIVED.get(table, ()) if row[c] is not None}
        if stale or sources:
            cells = {**row, **{c: None for c in columns if c not in stale | sources}}
            work.append((row, stale, sources, SimpleNamespace(**cells)))
    return work


def _reencrypt_rows(
    ctx: Context,
    table: Table,
    pk: str,
    rows: Sequence[RowMapping],
    enc: list[FieldSpec],
    bidx: list[FieldSpec],
) -> int:
    """One batch: what `_plan` found is revealed through the gate (one decision for the
    batch, as a write: the values are re-encrypted, never shown) and sealed again."""
    session: Session = ctx.session
    keyring = ctx.keyring
    columns = tuple(spec.column for spec in enc)
    work = _plan(ctx, table.name, rows, columns, bidx)
    opened = ctx.reveal_rows(
        table.name,
        [cells for *_, cells in work],
        columns,
        operation="keys.reencrypt",
        subjects=[None],
        action=Action.WRITE,
        key=pk,
        empty="",
    )
    changed = 0
    for (row, stale, sources, _cells), texts in zip(work, opened, strict=True):
        plain = dict(zip(columns, texts, strict=True))
        row_id = str(row[pk])
        values: dict[str, object] = {
            c: keyring.seal(session, key_ref(row[c])[0], table.name, c, row_id, plain[c])
            for c in stale
        }
        for spec in bidx:
            if spec.blind_index_of not in sources:
                continue
            field = spec.column.removesuffix("_bidx")
            digest = keyring.blind_index(session, table.name, field, plain[spec.blind_index_of])
            if digest != row[spec.column]:
                values[spec.column] = digest
        rewritten = [(c, rw) for c, rw in _DERIVED.get(table.name, ()) if c in sources]
        for source, rewrite in rewritten:
            rewrite(ctx, row_id, plain[source])
        if values:
            session.execute(update(table).where(table.c[pk] == row[pk]).values(**values))
            for hook in _HOOKS.get(table.name, ()):
                hook(ctx, {**row, **values})
        changed += bool(values or rewritten)
    return changed
