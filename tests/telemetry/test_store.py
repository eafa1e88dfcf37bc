"""P13 retention and erasure; compaction and crash recovery of the store."""

from __future__ import annotations

import json
from datetime import timedelta

import pyarrow.parquet as pq
from fastapi.testclient import TestClient

from imbplus.clock import clock
from imbplus.customers import service as customers
from imbplus.devices import service as devices
from imbplus.privacy import audit
from imbplus.privacy.access import Actor
from imbplus.privacy.catalog import Purpose
from imbplus.runtime import Runtime
from imbplus.telemetry import maintenance
from imbplus.telemetry.generator import day_events, synthetic_fleet
from imbplus.telemetry.store import Store
from tests.support.factories import make_customer, make_device
from tests.telemetry.helpers import auth, events, ndjson

URL = "/api/v1/telemetry/events"


def _fill(store: Store, days_back: list[int]) -> None:
    import numpy as np

    rng = np.random.default_rng(1)
    fleet = synthetic_fleet(20, rng)
    for back in days_back:
        store.write_batch(day_events(fleet, clock.now().date() - timedelta(days=back), rng))


def test_p13_retention_drops_expired_days_and_audits(rt: Runtime) -> None:
    store = Store(rt.settings.telemetry_root)
    _fill(store, [40, 3, 1])
    maintenance.compact(rt, min_files=1)  # rollups go with their day
    before = store.days()
    dry = maintenance.apply_retention(rt, dry_run=True)
    assert dry.dropped == [] and store.days() == before
    clock.advance(
        rt.settings.telemetry_retention_days * 86400 - 20 * 86400
    )  # 40-day-old data expires
    report = maintenance.apply_retention(rt)
    assert report.dropped and all(d < report.cutoff for d in report.dropped)
    assert all(d >= report.cutoff for d in store.days()) and store.days()
    with rt.sessions() as s:
        reasons = [
            r.reason
            for r in audit.records(s, limit=50)
            if r.action == "telemetry.partition_dropped"
        ]
    assert len(reasons) == len(report.dropped)
    assert all("retention=365d" in (r or "") for r in reasons)
    clock.advance(60 * 86400)
    maintenance.apply_retention(rt)
    assert store.days() == [] and not store.has_data()
    assert not list((store.root / "rollup").glob("*/day=*/*.parquet"))


def test_compaction_merges_a_days_files_into_one(client: TestClient, rt: Runtime) -> None:
    _, token = make_device(rt, make_customer(rt).id)
    clock.freeze(clock.now().replace(hour=12))
    for _ in range(10):
        assert (
            client.post(URL, content=ndjson(events(50, 60)), headers=auth(token)).status_code == 200
        )
    store = Store(rt.settings.telemetry_root)
    day = store.days()[0]
    assert len(store.files(day)) == 10
    report = maintenance.compact(rt, include_today=True)
    assert report.files_before == 10 and report.files_after == 1 and report.rows == 500
    files = store.files(day)
    assert len(files) == 1 and pq.read_table(files[0]).num_rows == 500


def test_recover_rolls_a_journalled_commit_forward(rt: Runtime) -> None:
    store = Store(rt.settings.telemetry_root)
    _fill(store, [2])
    day = store.days()[0]
    (src,) = store.files(day)[:1]
    hidden = src.with_name(f".{src.name}.tmp")
    src.rename(hidden)  # a crash after the journal, before the rename
    store.journal.mkdir(parents=True, exist_ok=True)
    (store.journal / "x.json").write_text(
        json.dumps({"rename": [[str(hidden), str(src)]], "remove": []})
    )
    assert src not in store.files(day)
    assert store.recover() == 1 and src in store.files(day)
    (store.journal / "torn.tmp").write_text('{"rename": [[')  # before the commit point
    assert store.recover() == 0 and src in store.files(day)


def test_p13_after_erasure_no_telemetry_row_links_to_the_person(
    client: TestClient, rt: Runtime
) -> None:
    customer = make_customer(rt)
    device, token = make_device(rt, customer.id)
    assert client.post(URL, content=ndjson(events(30)), headers=auth(token)).status_code == 200
    store = Store(rt.settings.telemetry_root)
    stored = {r["device"] for f in store.files() for r in pq.read_table(f).to_pylist()}
    with rt.job("tests", Purpose.SERVICE_DELIVERY) as ctx:
        ctx.actor = Actor.staff(1, ["support"])
        assert set(devices.activity_pseudonyms(ctx, device.id)) == stored  # linkable now
    with rt.job("erasure", Purpose.DATA_SUBJECT_REQUEST) as ctx:
        customers.erase(ctx, customer.id)
    # the pseudonym secrets are gone (and the key that encrypted them was destroyed):
    # nothing the system holds can recompute the pseudonym of the erased period
    with rt.job("tests", Purpose.SERVICE_DELIVERY) as ctx:
        ctx.actor = Actor.staff(1, ["support"])
        assert not set(devices.activity_pseudonyms(ctx, device.id)) & stored
    with rt.engine.connect() as conn:
        from sqlalchemy import text

        secrets = (
            conn.execute(text("SELECT pseudonym_secret_ct FROM device_assignments")).scalars().all()
        )
        creds = conn.execute(text("SELECT count(*) FROM stb_credentials")).scalar_one()
    assert secrets == [None] and creds == 0
    with rt.sessions() as s:
        actions = [r.action for r in audit.records(s, subject_id=customer.id, limit=50)]
    assert "telemetry.unlinked" in actions and "customer.erased" in actions
    # the box, now unassigned and returned, is refused until it is given to someone again
    assert client.post(URL, content=ndjson(events(5)), headers=auth(token)).status_code == 403


def test_p12_key_rotation_keeps_the_box_pseudonym_and_address(rt: Runtime) -> None:
    from imbplus.privacy import rotation

    customer = make_customer(rt)
    device, _ = make_device(rt, customer.id)

    def look() -> tuple[list[int], str]:
        with rt.job("tests", Purpose.SERVICE_DELIVERY) as ctx:
            ctx.actor = Actor.staff(1, ["support"])
            read = devices.get(ctx, device.id)
            assert read.install_address is not None
            return devices.activity_pseudonyms(ctx, device.id), read.install_address.street

    before = look()
    report = rotation.rotate(rt)
    assert report.values_reencrypted >= 2  # address and pseudonym secret, under new versions
    assert look() == before
