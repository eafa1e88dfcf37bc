"""P02 ingest: whole batches accepted or refused, durable, pseudonymous; bad input named."""

from __future__ import annotations

import json
from datetime import timedelta

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from imbplus.clock import clock
from imbplus.devices.models import Device
from imbplus.privacy import audit
from imbplus.runtime import Runtime
from imbplus.telemetry.store import Store
from tests.support.factories import api_headers, make_customer, make_device, make_staff
from tests.telemetry.helpers import at, auth, events, ndjson

URL = "/api/v1/telemetry/events"


def stored_rows(rt: Runtime) -> list[dict[str, object]]:
    store = Store(rt.settings.telemetry_root)
    return [row for f in store.files() for row in pq.read_table(f).to_pylist()]


def test_p02_a_box_posts_ndjson_and_it_is_stored_under_a_pseudonym(
    client: TestClient, rt: Runtime
) -> None:
    customer = make_customer(rt)
    device, token = make_device(rt, customer.id, postal_code="00-950")
    batch = events(60)
    answer = client.post(URL, content=ndjson(batch), headers=auth(token))
    assert answer.status_code == 200, answer.text
    assert answer.json()["accepted"] == 60 and answer.json()["durable"] is True
    rows = stored_rows(rt)
    assert len(rows) == 60
    assert {r["region"] for r in rows} == {"Warszawa"} and {r["model"] for r in rows} == {
        "IMB-4K-100"
    }
    text = json.dumps([str(r) for r in rows])
    for identifier in (device.id, device.serial, device.mac, customer.id):
        assert identifier not in text  # keyed by a pseudonym only
    assert len({r["device"] for r in rows}) == 1
    with rt.sessions() as s:
        row = s.execute(select(Device).where(Device.id == device.id)).scalar_one()
        assert row.last_seen_at is not None and row.last_ip_ct is not None


def test_p02_json_array_body_is_accepted_too(client: TestClient, rt: Runtime) -> None:
    _, token = make_device(rt, make_customer(rt).id)
    body = json.dumps(events(12), indent=2).encode()
    answer = client.post(
        URL, content=body, headers=auth(token) | {"Content-Type": "application/json"}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["accepted"] == 12 and len(stored_rows(rt)) == 12


@pytest.mark.parametrize(
    ("mutate", "status", "index", "field"),
    [
        (lambda b: b.__setitem__(3, {**b[3], "type": "teleport"}), 422, 3, "type"),
        (lambda b: b.__setitem__(5, {"ts": at(0), "type": "channel_play"}), 422, 5, "channel"),
        (
            lambda b: b.__setitem__(7, {"ts": "2999-01-01T00:00:00Z", "type": "heartbeat"}),
            422,
            7,
            "ts",
        ),
        (
            lambda b: b.__setitem__(2, {"ts": "2001-01-01T00:00:00Z", "type": "heartbeat"}),
            422,
            2,
            "ts",
        ),
        (lambda b: b.__setitem__(4, {"ts": "yesterday", "type": "heartbeat"}), 422, 4, "ts"),
        (
            lambda b: b.__setitem__(6, {"ts": at(1), "type": "error", "error_code": "E" * 33}),
            422,
            6,
            "error_code",
        ),
        (lambda b: b.__setitem__(8, {"ts": at(1), "type": 7}), 422, 8, "type"),
        (
            lambda b: b.__setitem__(
                9, {"ts": at(1), "type": "vod_play", "content_id": "x", "duration_s": -5}
            ),
            422,
            9,
            "duration_s",
        ),
        (lambda b: b.__setitem__(1, {"type": "heartbeat"}), 422, 1, "ts"),
    ],
)
def test_p02_a_bad_event_refuses_the_whole_batch_naming_it(
    client: TestClient, rt: Runtime, mutate: object, status: int, index: int, field: str
) -> None:
    _, token = make_device(rt, make_customer(rt).id)
    batch = events(20)
    mutate(batch)  # type: ignore[operator]
    answer = client.post(URL, content=ndjson(batch), headers=auth(token))
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert body["index"] == index and body["field"] == field, body
    assert stored_rows(rt) == []  # nothing from a refused batch


def test_malformed_ndjson_names_the_line(client: TestClient, rt: Runtime) -> None:
    _, token = make_device(rt, make_customer(rt).id)
    lines = ndjson(events(10)).splitlines()
    lines[4] = b'{"ts": "2026-01-01T00:00:00Z", "type": "heartbeat"'
    answer = client.post(URL, content=b"\n".join(lines), headers=auth(token))
    assert answer.status_code == 400 and answer.json()["index"] == 4
    assert client.post(URL, content=b"[1, 2", headers=auth(token)).status_code == 400
    assert client.post(URL, content=b"", headers=auth(token)).status_code == 422
    assert stored_rows(rt) == []


def test_oversized_batches_get_413(client: TestClient, rt: Runtime) -> None:
    _, token = make_device(rt, make_customer(rt).id)
    too_many = client.post(URL, content=ndjson(events(5001)), headers=auth(token))
    assert too_many.status_code == 413
    huge = ndjson(events(10)) + b" " * (1_048_576 + 1)
    assert client.post(URL, content=huge, headers=auth(token)).status_code == 413
    assert stored_rows(rt) == []


def test_tokens_wrong_revoked_rotated_and_refused_boxes(client: TestClient, rt: Runtime) -> None:
    customer = make_customer(rt)
    device, token = make_device(rt, customer.id)
    _, staff_token = make_staff(rt, "support")
    body = ndjson(events(5))
    assert client.post(URL, content=body).status_code == 401
    assert client.post(URL, content=body, headers=auth("imbdv_" + "x" * 43)).status_code == 401
    assert client.post(URL, content=body, headers=auth(staff_token)).status_code == 401
    assert client.post(URL, content=body, headers=auth(token)).status_code == 200
    # rotation: the new token works, the old one is revoked at once in this worker
    rotated = client.post(f"/api/v1/devices/{device.id}/token", headers=api_headers(staff_token))
    assert rotated.status_code == 201
    new_token = rotated.json()["token"]
    assert client.post(URL, content=body, headers=auth(token)).status_code == 401
    assert client.post(URL, content=body, headers=auth(new_token)).status_code == 200
    # a suspended box is refused (403), and the refusal is audited
    patched = client.patch(
        f"/api/v1/devices/{device.id}",
        json={"status": "suspended"},
        headers=api_headers(staff_token),
    )
    assert patched.status_code == 200, patched.text
    refused = client.post(URL, content=body, headers=auth(new_token))
    assert refused.status_code == 403 and refused.json()["error"] == "device_refused"
    with rt.sessions() as s:
        actions = [r.action for r in audit.records(s, subject_id=customer.id, limit=50)]
    assert "telemetry.refused" in actions
    revoke = client.delete(f"/api/v1/devices/{device.id}/token", headers=api_headers(staff_token))
    assert revoke.status_code == 204
    assert client.post(URL, content=body, headers=auth(new_token)).status_code == 401
    assert len(stored_rows(rt)) == 10


def test_a_box_posting_far_too_much_gets_429(client: TestClient, rt: Runtime) -> None:
    _, token = make_device(rt, make_customer(rt).id)
    body = ndjson(events(5000))
    statuses = [client.post(URL, content=body, headers=auth(token)).status_code for _ in range(5)]
    assert statuses[:4] == [200, 200, 200, 200] and statuses[4] == 429
    limited = client.post(URL, content=body, headers=auth(token))
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert len(stored_rows(rt)) == 20_000


def test_a_batch_across_midnight_is_split_by_day(client: TestClient, rt: Runtime) -> None:
    _, token = make_device(rt, make_customer(rt).id)
    clock.freeze()
    now = clock.now()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    batch = [
        {
            "ts": (midnight.replace(microsecond=0)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "type": "heartbeat",
        },
        {
            "ts": f"{(midnight - timedelta(days=1)).date()}T23:59:59Z",
            "type": "heartbeat",
        },
    ]
    assert client.post(URL, content=ndjson(batch), headers=auth(token)).status_code == 200
    store = Store(rt.settings.telemetry_root)
    assert len(store.days()) == 2 and len(store.files()) == 2
    assert not list(store.journal.glob("*.json"))
