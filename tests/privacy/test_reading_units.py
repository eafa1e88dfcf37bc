"""Reading units of work (GET pages, API reads) do not queue on SQLite's write lock, and what
they write (the audit records of what they revealed, a session's last-seen time) is still
committed whole, on the newest state, before they return (P11)."""

from __future__ import annotations

import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from imbplus.auth.models import LoginFailure
from imbplus.privacy import audit
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.audit_commit import AuditNotWritten, GroupCommit
from imbplus.privacy.catalog import Action, Category, Purpose
from imbplus.runtime import Runtime


def _audit(rt: Runtime, session: object, subject: str) -> None:
    ctx = Context(session, rt, Actor.staff(1, ["support"]), Purpose.SERVICE_DELIVERY)  # type: ignore[arg-type]
    ctx.check(Action.READ, {Category.IDENTITY}, operation="customer.read", subjects=[subject])


def _failures(rt: Runtime) -> int:
    with rt.sessions() as s:
        return int(s.execute(select(func.count()).select_from(LoginFailure)).scalar_one())


def test_p11_a_reading_unit_reads_while_another_holds_the_write_lock(rt: Runtime) -> None:
    with rt.unit_of_work() as writer:
        writer.add(LoginFailure(key_hash="held", ts_us=1))
        writer.flush()  # the write lock is held until this block ends
        with rt.unit_of_work(reading=True) as reader:
            assert reader.execute(select(func.count()).select_from(LoginFailure)).scalar_one() == 0
    assert _failures(rt) == 1


def test_p11_a_reading_unit_appends_its_audit_records_after_others_committed(
    rt: Runtime,
) -> None:
    with rt.unit_of_work(reading=True) as reader:
        assert reader.execute(select(func.count()).select_from(LoginFailure)).scalar_one() == 0
        with rt.unit_of_work() as writer:  # commits after the reader's snapshot was taken
            writer.add(LoginFailure(key_hash="other", ts_us=1))
            _audit(rt, writer, "first")
        _audit(rt, reader, "second")
        reader.add(LoginFailure(key_hash="reader", ts_us=2))
    with rt.sessions() as s:
        result = audit.verify(s, rt.checkpoint)
        last = audit.records(s, limit=2)
    assert result.ok, result.problem
    assert [r.subject_id for r in last] == ["second", "first"]
    assert _failures(rt) == 2


def test_p11_many_reading_units_at_once_keep_one_chain(rt: Runtime) -> None:
    with rt.sessions() as s:
        start = audit.count(s)

    def work(worker: int) -> None:
        for i in range(10):
            with rt.unit_of_work(reading=i % 2 == 0) as s:
                s.execute(select(func.count()).select_from(LoginFailure)).scalar_one()
                _audit(rt, s, f"w{worker}-{i}")
                if i % 3 == 0:
                    s.add(LoginFailure(key_hash=f"w{worker}-{i}", ts_us=i + 1))

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(work, range(4)))
    with rt.sessions() as s:
        result = audit.verify(s, rt.checkpoint)
        assert audit.count(s) - start == 40
    assert result.ok, result.problem
    assert _failures(rt) == 16


def test_p11_a_failed_reading_unit_leaves_nothing_but_its_refusals(rt: Runtime) -> None:
    try:
        with rt.unit_of_work(reading=True) as s:
            s.add(LoginFailure(key_hash="lost", ts_us=1))
            s.flush()
            raise RuntimeError("the page failed")
    except RuntimeError:
        pass
    assert _failures(rt) == 0


def test_p11_a_get_request_is_served_while_the_write_lock_is_held(
    rt: Runtime, client: TestClient
) -> None:
    with rt.unit_of_work() as writer:
        writer.add(LoginFailure(key_hash="held", ts_us=1))
        writer.flush()
        assert client.get("/offer").status_code == 200
        assert client.get("/").status_code == 200


def _entry(subject: str) -> audit.Entry:
    return audit.Entry(
        "staff",
        "1",
        "support",
        "service_delivery",
        "identity",
        subject,
        "customer.read",
        "allowed",
        None,
        "req",
    )


def _queued(group: GroupCommit, n: int) -> None:
    while len(group._queue) < n:  # the other threads have queued their records
        time.sleep(0.005)


def _next_leader(
    group: GroupCommit, pool: ThreadPoolExecutor
) -> tuple[object, list[Future[object]]]:
    """Two readers queue behind the first; the first commits; one of them leads next."""
    first = group.join([_entry("a")])
    assert first is not None and [r.entries[0].subject_id for r in first] == ["a"]
    later = [pool.submit(group.join, [_entry(s)]) for s in ("b", "c")]
    _queued(group, 2)
    group.finish(first, True)
    done, _ = wait(later, return_when=FIRST_COMPLETED)
    leader = done.pop()
    return leader.result(), [f for f in later if f is not leader]


def test_p11_readers_wait_for_the_commit_that_carries_their_records() -> None:
    group = GroupCommit()
    with ThreadPoolExecutor(max_workers=2) as pool:
        batch, (follower,) = _next_leader(group, pool)
        assert isinstance(batch, list)
        assert sorted(r.entries[0].subject_id for r in batch) == ["b", "c"]
        group.finish(batch, True)
        assert follower.result() is None  # carried by the leader's commit


def test_p11_a_failed_commit_fails_every_reader_it_carried() -> None:
    group = GroupCommit()
    with ThreadPoolExecutor(max_workers=2) as pool:
        batch, (follower,) = _next_leader(group, pool)
        assert isinstance(batch, list)
        group.finish(batch, False)
        with pytest.raises(AuditNotWritten):
            follower.result()


def test_p11_a_savepoint_in_a_reading_unit_holds_through_its_writes(rt: Runtime) -> None:
    with rt.unit_of_work(reading=True) as s:
        s.execute(select(func.count()).select_from(LoginFailure)).scalar_one()
        with s.begin_nested():
            s.add(LoginFailure(key_hash="nested", ts_us=1))
            s.flush()
    assert _failures(rt) == 1
