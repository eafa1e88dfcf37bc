"""A telemetry day that cannot be read (bytes that are not UTF-8, a damaged file) never
takes the analytics down: reports run on the other days and name the broken one; compaction
leaves it as it is and goes on; and the suite does not depend on the time of day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pyarrow as pa
from fastapi.testclient import TestClient

from imbplus.clock import clock
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.runtime import Runtime
from imbplus.settings import Settings
from imbplus.telemetry import maintenance, queries
from imbplus.telemetry.store import EVENT_SCHEMA, Store
from tests.staff.test_console import choose, login
from tests.support.cli import imbplus
from tests.support.factories import make_staff
from tests.telemetry.test_queries import _fill


def _events_of(day: date, channel: bytes, n: int = 30) -> pa.Table:
    """Rows as an old server version could have written them: text bytes unchecked."""
    offsets = pa.array([i * len(channel) for i in range(n + 1)], pa.int32()).buffers()[1]
    text = pa.Array.from_buffers(pa.string(), n, [None, offsets, pa.py_buffer(channel * n)])
    at = datetime(day.year, day.month, day.day, 20, tzinfo=UTC).replace(tzinfo=None)
    return pa.Table.from_arrays(
        [
            pa.array([at] * n, pa.timestamp("ms")),
            pa.array(range(n), pa.int64()),
            pa.array(["channel_play"] * n),
            text,
            pa.nulls(n, pa.string()),
            pa.array([60] * n, pa.int32()),
            pa.nulls(n, pa.string()),
            pa.array(["4.2.3"] * n),
            pa.array(["IMB-4K-100"] * n),
            pa.array(["Warszawa"] * n),
        ],
        schema=EVENT_SCHEMA,
    )


def _poison(rt: Runtime) -> date:
    day = clock.now().date() - timedelta(days=1)
    Store(rt.settings.telemetry_root).write_batch(_events_of(day, b"\xff\xfe"))
    return day


def test_p02_reports_skip_a_day_that_cannot_be_read_and_name_it(rt: Runtime) -> None:
    _fill(rt, boxes=40, days=3)
    broken = _poison(rt)
    store = Store(rt.settings.telemetry_root)
    with rt.unit_of_work() as s:
        ctx = Context(s, rt, Actor.staff(1, ["analyst"]), Purpose.MARKET_RESEARCH)
        trends = queries.trends(ctx, store, 7)
        ctx = Context(s, rt, Actor.staff(1, ["analyst"]), Purpose.SERVICE_IMPROVEMENT)
        health = queries.health(ctx, store, 7)
    assert trends.channels and trends.channels[0]["channel"] == "tvp1"
    days = {r["day"] for r in health.daily}  # UTC days
    assert broken not in days and {broken - timedelta(days=1), clock.now().date()} <= days
    from imbplus.telemetry import readable

    assert readable.broken(store) == {broken: "text that is not UTF-8"}


def test_p02_the_console_page_shows_the_readable_days_and_names_the_broken_one(
    client: TestClient, rt: Runtime
) -> None:
    _fill(rt, boxes=40, days=2)
    broken = _poison(rt)
    analyst, _ = make_staff(rt, "analyst")
    login(client, analyst.username)
    for purpose in ("service_improvement", "market_research", "pricing"):
        choose(client, purpose)
        page = client.get("/console/telemetry")
        assert page.status_code == 200, purpose
        assert broken.isoformat() in page.text and "cannot be read" in page.text


def test_p02_stats_and_compaction_go_on_past_a_broken_day(settings: Settings, rt: Runtime) -> None:
    _fill(rt, boxes=40, days=3)
    broken = _poison(rt)
    stats = imbplus(settings, "telemetry", "stats", "--days", "7")
    assert stats.returncode == 0, stats.stderr
    assert "tvp1" in stats.stdout and f"day {broken.isoformat()} cannot be read" in stats.stdout
    compacted = imbplus(settings, "telemetry", "compact", "--min-files", "2")
    assert compacted.returncode == 1
    assert f"day {broken.isoformat()} cannot be read" in compacted.stdout
    store = Store(rt.settings.telemetry_root)
    assert len(store.files(broken)) == 2  # left as it was
    older = broken - timedelta(days=1)
    assert len(store.files(older)) == 1  # the other days were compacted


def test_an_empty_batch_is_a_no_op(rt: Runtime) -> None:
    store = Store(rt.settings.telemetry_root)
    assert store.write_batch(EVENT_SCHEMA.empty_table()) == []
    assert store.files() == [] and not store.has_data()


def test_the_console_page_right_after_midnight(client: TestClient, rt: Runtime) -> None:
    """The day's generated events are none yet at 00:00:30; nothing may crash for that."""
    clock.freeze(datetime(2026, 11, 18, 0, 0, 30, tzinfo=UTC))
    _fill(rt, boxes=30, days=2)
    compacted = maintenance.compact(rt, include_today=True)
    assert compacted.unreadable == {}
    analyst, _ = make_staff(rt, "analyst")
    login(client, analyst.username)
    choose(client, "service_improvement")
    assert client.get("/console/telemetry").status_code == 200
