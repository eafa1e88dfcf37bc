"""P02 ingest of Arrow IPC streams: boxes whose firmware sends columns get the same rules,
the same durability and the same whole-batch refusals as NDJSON."""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa
import pyarrow.compute as pc
from fastapi.testclient import TestClient

from imbplus.runtime import Runtime
from imbplus.telemetry.batch import ARROW_STREAM
from tests.support.factories import make_customer, make_device
from tests.telemetry.helpers import events
from tests.telemetry.test_ingest import URL, stored_rows


def ipc(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def columns(items: list[dict[str, object]]) -> pa.Table:
    """The events as columns, the way a box would build them (naive UTC timestamps,
    dictionary-encoded type, 32-bit durations)."""
    names = list(dict.fromkeys(k for e in items for k in e))
    table = pa.table({k: [e.get(k) for e in items] for k in names})
    ts = pc.cast(pc.cast(table["ts"], pa.timestamp("ms", tz="UTC")), pa.timestamp("ms"))
    return table.set_column(0, "ts", ts).set_column(
        table.schema.get_field_index("type"), "type", pc.dictionary_encode(table["type"])
    )


def _post(client: TestClient, token: str, body: bytes):  # type: ignore[no-untyped-def]
    return client.post(
        URL,
        content=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": ARROW_STREAM},
    )


def test_p02_an_arrow_stream_is_stored_like_ndjson(client: TestClient, rt: Runtime) -> None:
    _, token = make_device(rt, make_customer(rt).id)
    batch = events(30)
    answer = _post(client, token, ipc(columns(batch)))
    assert answer.status_code == 200, answer.text
    assert answer.json()["accepted"] == 30
    rows = stored_rows(rt)
    assert [r["type"] for r in rows] == [e["type"] for e in batch]
    assert {r["channel"] for r in rows} == {None, "tvp1"}
    # the box's own timestamp, to the millisecond (not "now": the suite may run slowly)
    sent = datetime.strptime(batch[0]["ts"], "%Y-%m-%dT%H:%M:%S.%fZ")
    assert rows[0]["ts"] == sent


def test_p02_a_bad_arrow_batch_is_refused_whole_and_named(client: TestClient, rt: Runtime) -> None:
    _, token = make_device(rt, make_customer(rt).id)
    good = columns(events(20))
    unknown = good.set_column(
        good.schema.get_field_index("type"),
        "type",
        pa.array(["heartbeat"] * 7 + ["reboot"] + ["heartbeat"] * 12),
    )
    cases = [
        (b"not arrow at all", 400, None, None),
        (ipc(good)[:200], 400, None, None),
        (ipc(good.set_column(0, "ts", pa.array(range(20)))), 400, "ts", None),
        (ipc(good.append_column("channel", pa.array(["x"] * 20))), 400, "channel", None),
        (ipc(unknown), 422, "type", 7),
        (ipc(good.drop_columns(["ts"])), 422, "ts", 0),
    ]
    for body, status, field, index in cases:
        answer = _post(client, token, body)
        assert answer.status_code == status, (field, answer.text)
        assert answer.json().get("field") == field and answer.json().get("index") == index
    assert stored_rows(rt) == []


def test_p02_arrow_bodies_cannot_make_the_server_allocate_much(
    client: TestClient, rt: Runtime
) -> None:
    _, token = make_device(rt, make_customer(rt).id)
    good = columns(events(20))
    # zstd would unpack a small body into a large one: refused before reading
    sink = pa.BufferOutputStream()
    options = pa.ipc.IpcWriteOptions(compression="zstd")
    with pa.ipc.new_stream(sink, good.schema, options=options) as writer:
        writer.write_table(good)
    packed = _post(client, token, sink.getvalue().to_pybytes())
    assert packed.status_code == 400 and "compressed" in packed.json()["message"]
    # every row pointing at one long dictionary value: refused at the first such row
    long = "x" * 100_000
    channel = pa.DictionaryArray.from_arrays(
        pa.array([0] * 5 + [1] * 15, pa.int32()), pa.array(["tvp1", long])
    )
    bomb = good.set_column(good.schema.get_field_index("channel"), "channel", channel)
    answer = _post(client, token, ipc(bomb))
    assert answer.status_code == 422, answer.text
    assert answer.json()["index"] == 5 and answer.json()["field"] == "channel"
    # more rows than a batch may hold, with no columns to carry them
    empty = pa.RecordBatch.from_arrays([pa.nulls(6000)], names=["unused"])
    rows = _post(client, token, ipc(pa.Table.from_batches([empty])))
    assert rows.status_code == 413
    assert stored_rows(rt) == []
