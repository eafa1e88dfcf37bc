"""A public page view writes nothing to the database on the request path: its counts and
its request-log line wait in the worker's memory and are written in batches (P18, P21)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, select

from imbplus.clock import clock
from imbplus.runtime import Runtime
from imbplus.site import stats
from imbplus.site.models import DailyVisitors, PageViews
from imbplus.traffic.models import MaskedRequest
from imbplus.web.buffer import Flusher
from tests.support.site import decide

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "COPY", "MERGE")


@contextmanager
def statements(rt: Runtime) -> Iterator[list[str]]:
    """Every SQL statement the runtime's engine runs inside the block."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement.lstrip().upper())

    event.listen(rt.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(rt.engine, "before_cursor_execute", note)


def stored_views(rt: Runtime) -> dict[str, int]:
    with rt.sessions() as s:
        return {p.path: p.views for p in s.execute(select(PageViews)).scalars()}


def stored_visitors(rt: Runtime) -> tuple[int, int]:
    with rt.sessions() as s:
        rows = s.execute(select(DailyVisitors)).scalars().all()
    return sum(v.new_visitors for v in rows), sum(v.returning_visitors for v in rows)


def test_a_public_page_view_makes_no_database_write(app: FastAPI, rt: Runtime) -> None:
    client = TestClient(app)  # not entered: no lifespan, so no flusher and no log writer
    decide(client, "choose", statistics="on")  # a form post may write; page views may not
    app.state.view_counts.flush()
    app.state.request_log.flush()
    with statements(rt) as seen:
        for path in ("/", "/offer", "/help", "/en/offer", "/cookies", "/privacy"):
            assert client.get(path).status_code == 200
    written = [s for s in seen if s.startswith(WRITES)]
    assert written == []
    assert app.state.view_counts.pending == 6 + 1  # six views and today's visitor
    assert app.state.request_log.pending == 6


def test_views_and_request_log_lines_are_stored_after_a_flush(app: FastAPI, rt: Runtime) -> None:
    client = TestClient(app, client=("203.0.113.9", 50000))
    for path in ("/", "/offer", "/offer"):
        client.get(path)
    assert stored_views(rt) == {}
    assert app.state.view_counts.flush() == 3
    assert app.state.request_log.flush() == 3
    assert app.state.view_counts.pending == 0
    assert stored_views(rt) == {"/": 1, "/offer": 2}
    with rt.sessions() as s:
        lines = s.execute(select(MaskedRequest.route, MaskedRequest.network)).all()
    assert sorted(lines) == [("/", "203.0.113.0/24")] + [("/offer", "203.0.113.0/24")] * 2


def test_one_upsert_per_day_and_page_per_flush(rt: Runtime) -> None:
    counts = stats.ViewCounts(rt.sessions)
    for _ in range(50):
        counts.add_view(clock.now().date(), "/")
    counts.add_view(clock.now().date(), "/offer")
    counts.add_view(clock.now().date() - timedelta(days=1), "/")
    with statements(rt) as seen:
        assert counts.flush() == 52
    assert len([s for s in seen if s.startswith("INSERT")]) == 3


def test_several_workers_counts_add_up(rt: Runtime) -> None:
    workers = [stats.ViewCounts(rt.sessions) for _ in range(3)]
    for n, counts in enumerate(workers, start=1):
        for _ in range(n):
            stats.record_view(counts, "/", statistics_consent=False, last_visit=None)
        stats.record_view(counts, "/offer", statistics_consent=True, last_visit=None)
    yesterday = (clock.now().date() - timedelta(days=1)).strftime("%Y%m%d")
    stats.record_view(workers[0], "/help", statistics_consent=True, last_visit=yesterday)
    for counts in workers:
        counts.flush()
    workers[1].add_view(clock.now().date(), "/")
    workers[1].flush()  # a later batch adds to the stored row
    assert stored_views(rt) == {"/": 1 + 2 + 3 + 1, "/offer": 3, "/help": 1}
    assert stored_visitors(rt) == (3, 1)


def test_shutting_the_server_down_writes_what_waits(app: FastAPI, rt: Runtime) -> None:
    app.state.flusher.interval = 3600  # the periodic write does not come: shutdown must
    with TestClient(app) as client:
        client.get("/")
        client.get("/help")
    assert app.state.view_counts.pending == 0 and app.state.request_log.pending == 0
    assert stored_views(rt) == {"/": 1, "/help": 1}


def test_a_failed_flush_keeps_the_counts_and_the_next_one_writes_them(rt: Runtime) -> None:
    counts = stats.ViewCounts(rt.sessions)
    counts.add_view(clock.now().date(), "/")
    counts.add_visitor(clock.now().date(), "new_visitors")

    def refuse(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT"):
            raise RuntimeError("database away")

    event.listen(rt.engine, "before_cursor_execute", refuse)
    try:
        with pytest.raises(RuntimeError):
            counts.flush()
        flusher = Flusher([counts.flush])
        assert flusher.flush_all() is False  # logged and kept, not raised
    finally:
        event.remove(rt.engine, "before_cursor_execute", refuse)
    assert counts.pending == 2
    counts.add_view(clock.now().date(), "/")  # counted meanwhile: merged with the kept ones
    assert Flusher([counts.flush]).flush_all() is True
    assert counts.pending == 0
    assert stored_views(rt) == {"/": 2}
    assert stored_visitors(rt) == (1, 0)


def test_the_flusher_writes_once_more_when_stopped(rt: Runtime) -> None:
    counts = stats.ViewCounts(rt.sessions)
    flusher = Flusher([counts.flush], interval=3600)
    flusher.start()
    assert flusher.running
    counts.add_view(clock.now().date(), "/offer")
    flusher.stop()
    assert not flusher.running
    assert stored_views(rt) == {"/offer": 1}
