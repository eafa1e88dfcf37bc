"""P21: the request log keeps the full address briefly and a masked one for statistics,
written off the request path in batches."""

from __future__ import annotations

import time

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from imbplus.clock import clock
from imbplus.privacy.models import AuditRecord
from imbplus.runtime import Runtime
from imbplus.settings import Settings
from imbplus.traffic.models import FullRequest, MaskedRequest
from imbplus.traffic.writer import RequestLogWriter
from tests.support.cli import imbplus
from tests.support.stored import decrypted

CLIENT = ("203.0.113.77", 40000)


def browse(app: FastAPI) -> None:
    app.state.request_log.interval = 3600  # no timed write while we count what waits
    with TestClient(app, client=CLIENT, raise_server_exceptions=False) as c:
        c.get(
            "/portal/login?email=jan@example.pl", headers={"referer": "https://www.bing.com/x?q=1"}
        )
        c.get("/en/portal/login", headers={"referer": "http://testserver/portal"})
        c.get("/surveys/00000000-0000-4000-8000-000000000000")
        c.get("/no/such/page/anna@example.pl")
        c.get("/static/site.css")
        c.get("/healthz")
        assert app.state.request_log.pending == 4  # nothing written on the request path yet
    # leaving the client shuts the app down, which writes what waits


def test_p21_full_address_encrypted_and_masked_address_for_statistics(
    app: FastAPI, rt: Runtime
) -> None:
    browse(app)
    assert app.state.request_log.pending == 0
    with rt.sessions() as s:
        full = s.execute(select(FullRequest).order_by(FullRequest.at)).scalars().all()
        masked = s.execute(select(MaskedRequest).order_by(MaskedRequest.id)).scalars().all()
        assert [m.route for m in masked] == [
            "/portal/login",
            "/portal/login",
            "(not found)",  # an unknown survey: no id is kept
            "(not found)",
        ]
        assert [m.lang for m in masked] == ["pl", "en", "pl", "pl"]
        assert [m.status for m in masked] == [200, 200, 404, 404]
        assert {m.network for m in masked} == {"203.0.113.0/24"}
        assert [m.referrer_domain for m in masked] == ["bing.com", None, None, None]
        assert all(m.at.second == 0 for m in masked)
        assert len(full) == 4
        opened = {decrypted(rt, s, "request_log_full", "ip_ct", f.id, f.ip_ct) for f in full}
        assert opened == {"203.0.113.77"}
        digest = rt.keyring.blind_index(s, "request_log_full", "ip", "203.0.113.77")
        assert {f.ip_bidx for f in full} == {digest}
    if rt.engine.dialect.name == "sqlite":
        rt.engine.dispose()
        raw = b"".join(p.read_bytes() for p in rt.settings.data_dir.iterdir() if p.is_file())
        for needle in (b"203.0.113.77", b"jan@example.pl", b"anna@example.pl", b"q=1"):
            assert needle not in raw


def test_a_database_outage_keeps_the_lines_for_the_next_batch(
    settings: Settings, rt: Runtime
) -> None:
    away = Settings(data_dir=settings.data_dir, database_url="sqlite:////nonexistent/db/x.db")
    unreachable = Runtime(away)
    writer = RequestLogWriter(unreachable)
    writer.record(clock.now_us(), "198.51.100.1", "GET", "/portal", 200, [])
    with pytest.raises(OperationalError):
        writer.flush()
    assert writer.pending == 1 and writer.written == 0
    unreachable.dispose()
    working = RequestLogWriter(rt)
    working._queue.extend(writer._queue)
    assert working.flush() == 1


def test_the_oldest_lines_are_dropped_beyond_the_memory_bound(rt: Runtime) -> None:
    rt.settings.request_log_max_pending = 100
    writer = RequestLogWriter(rt)
    for n in range(130):
        writer.record(clock.now_us(), "198.51.100.1", "GET", f"/p{n}", 200, [])
    assert writer.pending == 100 and writer.dropped == 30
    assert writer.flush() == 100
    with rt.sessions() as s:
        routes = {m.route for m in s.execute(select(MaskedRequest)).scalars()}
    assert "/p0" not in routes and "/p129" in routes


def test_a_full_batch_wakes_the_writer(rt: Runtime) -> None:
    rt.settings.request_log_batch = 5
    rt.settings.request_log_flush_seconds = 3600
    writer = RequestLogWriter(rt)
    writer.start()
    try:
        for n in range(5):
            writer.record(clock.now_us(), "198.51.100.1", "GET", f"/b{n}", 200, [])
        for _ in range(400):  # the thread writes without waiting for its interval
            if writer.written == 5:
                break
            time.sleep(0.05)
    finally:
        writer.stop()
    assert writer.written == 5


def test_p21_retention_job_drops_full_addresses_after_7_days_and_masked_after_13_months(
    app: FastAPI, rt: Runtime
) -> None:
    clock.advance(-400 * 86_400)
    browse(app)  # 4 lines 400 days ago
    clock.advance(392 * 86_400)
    browse(app)  # 4 lines 8 days ago
    clock.reset()
    browse(app)  # 4 lines now
    dry = imbplus(rt.settings, "traffic", "purge", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would delete 8 full-address lines" in dry.stdout and "and 4 masked" in dry.stdout
    done = imbplus(rt.settings, "traffic", "purge")
    assert done.returncode == 0, done.stderr
    assert "deleted 8 full-address lines" in done.stdout and "and 4 masked" in done.stdout
    with rt.sessions() as s:
        assert len(s.execute(select(FullRequest)).all()) == 4
        assert len(s.execute(select(MaskedRequest)).all()) == 8
        notes = s.execute(
            select(AuditRecord.action, AuditRecord.reason).where(
                AuditRecord.actor_id == "request_log_retention", AuditRecord.result == "done"
            )
        ).all()
    assert [a for a, _ in notes] == ["request_log.purge_dry_run", "request_log.purged"]
    assert "full_ip=8 masked=4" in notes[1][1]
    again = imbplus(rt.settings, "traffic", "purge")
    assert "deleted 0 full-address lines" in again.stdout
