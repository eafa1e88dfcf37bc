"""P03 analytics through the gate: health, trends, VOD, regions with small-cell suppression;
the stats command and the console page with SVG charts; `imbplus seed`."""

from __future__ import annotations

import numpy as np
import pytest
from fastapi.testclient import TestClient

from imbplus.errors import AccessDenied, ValidationFailed
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.runtime import Runtime
from imbplus.settings import Settings
from imbplus.telemetry import queries
from imbplus.telemetry.generator import day_events, synthetic_fleet
from imbplus.telemetry.store import Store
from tests.staff.test_console import choose, login
from tests.support.cli import imbplus
from tests.support.factories import make_customer, make_device, make_staff
from tests.telemetry.helpers import auth, events, ndjson


def _fill(rt: Runtime, boxes: int = 200, days: int = 3) -> None:
    from datetime import timedelta

    from imbplus.clock import clock

    rng = np.random.default_rng(7)
    fleet = synthetic_fleet(boxes, rng)
    fleet.region[:3] = "Tiny-Region"  # a group of 3 boxes: must never be shown
    store = Store(rt.settings.telemetry_root)
    for back in range(days):
        day = clock.now().date() - timedelta(days=back)
        store.write_batch(day_events(fleet, day, rng, not_after_ms=clock.now_us() // 1000))


def _ctx(rt: Runtime, session: object, role: str, purpose: Purpose) -> Context:
    return Context(session, rt, Actor.staff(1, [role]), purpose)  # type: ignore[arg-type]


def test_p03_reports_and_small_cell_suppression(rt: Runtime) -> None:
    _fill(rt)
    store = Store(rt.settings.telemetry_root)
    with rt.unit_of_work() as s:
        health = queries.health(_ctx(rt, s, "analyst", Purpose.SERVICE_IMPROVEMENT), store, 7)
        assert health.boxes > 150 and health.events > 5000
        worst = health.by_firmware[0]
        assert worst["firmware"] in {"5.0.2-rc1", "3.9.7"}  # errors concentrate there
        trends = queries.trends(_ctx(rt, s, "analyst", Purpose.MARKET_RESEARCH), store, 7)
        assert trends.channels[0]["channel"] == "tvp1"  # Zipf: the first channel leads
        by_hour: dict[int, int] = {}
        for c in trends.heatmap:
            by_hour[c["hour"]] = by_hour.get(c["hour"], 0) + c["plays"]
        assert max(by_hour, key=lambda h: by_hour[h]) in range(19, 23)  # prime time
        assert trends.cube and {"channel", "day", "hour", "plays"} <= set(trends.cube[0])
        regions = queries.regions(_ctx(rt, s, "analyst", Purpose.PRICING), store, 7)
        assert regions.suppressed_groups >= 1
        assert all(r["boxes"] >= queries.MIN_BOXES for r in regions.rows)
        assert "Tiny-Region" not in {r["region"] for r in regions.rows}
        vod = queries.vod_top(_ctx(rt, s, "analyst", Purpose.PRICING), store, 7)
        assert all(v["boxes"] >= queries.MIN_BOXES for v in vod)


def test_p03_the_gate_decides_who_sees_activity_for_what(rt: Runtime) -> None:
    store = Store(rt.settings.telemetry_root)
    with rt.unit_of_work() as s:
        with pytest.raises(AccessDenied):
            queries.trends(_ctx(rt, s, "marketing", Purpose.MARKET_RESEARCH), store)
        with pytest.raises(ValidationFailed):  # a report serves only its purposes
            queries.health(_ctx(rt, s, "analyst", Purpose.PRICING), store)
        with pytest.raises(AccessDenied):
            queries.regions(_ctx(rt, s, "support", Purpose.MARKET_RESEARCH), store)


def test_console_telemetry_page_and_device_page(client: TestClient, rt: Runtime) -> None:
    _fill(rt, boxes=60, days=2)
    customer = make_customer(rt)
    device, token = make_device(rt, customer.id)
    assert (
        client.post(
            "/api/v1/telemetry/events", content=ndjson(events(40, 30)), headers=auth(token)
        ).status_code
        == 200
    )
    analyst, _ = make_staff(rt, "analyst")
    login(client, analyst.username)
    choose(client, "service_improvement")
    page = client.get("/console/telemetry")
    assert page.status_code == 200 and page.text.count("<svg") >= 4
    assert "<script" not in page.text
    assert "Errors per 1,000 events by model and firmware" in page.text
    assert "Channel plays by weekday and local hour" in page.text
    client.cookies.clear()
    support, _ = make_staff(rt, "support")
    login(client, support.username)
    choose(client, "service_delivery")
    found = client.post(
        "/console/devices",
        data={"query": device.serial, "csrf": _csrf(client.get("/console/devices").text)},
    )
    assert f"/console/devices/{device.id}" in found.text
    record = client.get(f"/console/devices/{device.id}")
    assert (
        record.status_code == 200
        and "channel_play" in record.text
        and "ul. Lipowa 3" in record.text
    )


def _csrf(html: str) -> str:
    import re

    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_seed_then_stats_command(settings: Settings) -> None:
    seeded = imbplus(settings, "seed", "--devices", "60", "--days", "3")
    assert seeded.returncode == 0, seeded.stderr
    assert "boxes created 60" in seeded.stdout
    stats = imbplus(settings, "telemetry", "stats", "--days", "3")
    assert stats.returncode == 0, stats.stderr
    assert "Error rate by model and firmware" in stats.stdout and "tvp1" in stats.stdout
    research = imbplus(settings, "telemetry", "stats", "--purpose", "market_research")
    assert research.returncode == 0 and "Regions" in research.stdout
    assert "Error rate" not in research.stdout
    days = imbplus(settings, "telemetry", "days")
    assert days.returncode == 0 and "Partitions" in days.stdout
    assert imbplus(settings, "telemetry", "retention", "--dry-run").returncode == 0


def test_rollups_give_the_same_answers_and_late_batches_are_not_lost(
    client: TestClient, rt: Runtime
) -> None:
    from imbplus.telemetry import maintenance, rollup

    _fill(rt, boxes=80, days=3)
    store = Store(rt.settings.telemetry_root)

    def snapshot() -> tuple[object, ...]:
        with rt.unit_of_work() as s:
            ctx = _ctx(rt, s, "analyst", Purpose.SERVICE_IMPROVEMENT)
            h = queries.health(ctx, store, 7)
            t = queries.trends(ctx, store, 7)
            ctx = _ctx(rt, s, "analyst", Purpose.PRICING)
            r = queries.regions(ctx, store, 7)
        return (h.boxes, h.events, h.errors, h.by_firmware, t.heatmap, t.channels, r.rows)

    raw = snapshot()
    assert rollup.fresh_days(store) == set()
    report = maintenance.compact(rt, min_files=1, include_today=True)
    assert report.rollups == len(store.days())
    assert rollup.fresh_days(store) == set(store.days())
    assert snapshot() == raw  # the rollups answer exactly what the raw events do
    # a late batch for a rolled-up day: that day is read raw again until the next run
    _, token = make_device(rt, make_customer(rt).id)
    assert (
        client.post(
            "/api/v1/telemetry/events", content=ndjson(events(30, 5)), headers=auth(token)
        ).status_code
        == 200
    )
    assert len(rollup.fresh_days(store)) == len(store.days()) - 1
    after = snapshot()
    assert after[1] == raw[1] + 30  # type: ignore[operator]
    maintenance.compact(rt, min_files=1, include_today=True)
    assert snapshot() == after
