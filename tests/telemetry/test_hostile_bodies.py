"""P02 ingest under hostile bodies: a 4xx that names the problem, or a durable accept whose
every stored value reads back; never a crash of the worker, never poisoned analytics."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imbplus.clock import clock
from imbplus.errors import DomainError
from imbplus.runtime import Runtime
from imbplus.telemetry.batch import ARROW_STREAM, TYPES
from imbplus.telemetry.ingest import Limits, Stamp, ingest_body
from imbplus.telemetry.store import Store
from tests.support.factories import make_customer, make_device
from tests.telemetry.helpers import at, auth, events, ndjson
from tests.telemetry.test_ingest import URL, stored_rows
from tests.telemetry.test_ingest_arrow import columns, ipc

LIMITS = Limits(max_events=5000, max_bytes=1 << 20, retention_days=400)
STAMP = Stamp(pseudonym=7, model="IMB-4K-100", firmware="4.2.3", region="Warszawa")


@pytest.mark.parametrize(
    "body",
    [b"null", b"  null\n", b"\n\nnull", b"null\n{}", b"{}\nnull", b"{} null", b"[null]", b"7"],
)
def test_p02_top_level_non_objects_are_refused_not_a_crash(
    client: TestClient, rt: Runtime, body: bytes
) -> None:
    _, token = make_device(rt, make_customer(rt).id)
    for kind in ("application/json", "application/x-ndjson"):
        answer = client.post(URL, content=body, headers=auth(token) | {"Content-Type": kind})
        assert answer.status_code in (400, 422), answer.text
        assert answer.json()["message"]
    assert stored_rows(rt) == []


def test_p02_invalid_utf8_is_refused_and_names_the_line(client: TestClient, rt: Runtime) -> None:
    _, token = make_device(rt, make_customer(rt).id)
    good = {"ts": at(5), "type": "channel_play", "channel": "tvp1"}
    bad_line = json.dumps({**good, "channel": "XX"}).encode().replace(b"XX", b"\xff\xfe")
    bodies = [ndjson([good, good]) + bad_line, b"[" + bad_line + b"]"]
    for body in bodies:
        answer = client.post(URL, content=body, headers=auth(token))
        assert answer.status_code == 400, answer.text
        assert "not UTF-8" in answer.json()["message"]
    assert "line 3" in client.post(URL, content=bodies[0], headers=auth(token)).json()["message"]
    assert stored_rows(rt) == []


def test_p02_control_characters_in_text_are_refused(client: TestClient, rt: Runtime) -> None:
    _, token = make_device(rt, make_customer(rt).id)
    batch = [
        {"ts": at(5), "type": "channel_play", "channel": "tvp1"},
        {"ts": at(4), "type": "channel_play", "channel": "tv\u0000p"},
    ]
    answer = client.post(URL, content=ndjson(batch), headers=auth(token))
    assert answer.status_code == 422
    assert answer.json()["index"] == 1 and answer.json()["field"] == "channel"
    c1 = [{"ts": at(5), "type": "error", "error_code": "E\u0085"}]
    assert client.post(URL, content=ndjson(c1), headers=auth(token)).status_code == 422
    polish = [{"ts": at(5), "type": "channel_play", "channel": "Polsat Sport Ężółć"}]
    assert client.post(URL, content=ndjson(polish), headers=auth(token)).status_code == 200


def test_p02_a_lone_surrogate_is_refused(client: TestClient, rt: Runtime) -> None:
    _, token = make_device(rt, make_customer(rt).id)
    event = {"ts": at(5), "type": "channel_play", "channel": "a\udc00b"}
    for body in (json.dumps([event]).encode(), ndjson([event])):
        answer = client.post(URL, content=body, headers=auth(token))
        assert answer.status_code == 400, answer.text
    assert stored_rows(rt) == []


def test_p02_text_after_a_json_array_is_refused(client: TestClient, rt: Runtime) -> None:
    _, token = make_device(rt, make_customer(rt).id)
    body = json.dumps(events(3)).encode() + b',"x":[1]'
    answer = client.post(URL, content=body, headers=auth(token))
    assert answer.status_code == 400 and stored_rows(rt) == []


def test_p02_unknown_fields_of_varying_types_in_an_array_are_ignored(
    client: TestClient, rt: Runtime
) -> None:
    _, token = make_device(rt, make_customer(rt).id)
    batch = events(2)
    batch[0]["seq"], batch[1]["seq"] = 1, "two"
    answer = client.post(URL, content=json.dumps(batch).encode(), headers=auth(token))
    assert answer.status_code == 200 and len(stored_rows(rt)) == 2


def test_p02_unknown_content_types_are_415(client: TestClient, rt: Runtime) -> None:
    _, token = make_device(rt, make_customer(rt).id)
    for kind in ("image/png", "text/html", "application/x-www-form-urlencoded"):
        answer = client.post(
            URL, content=ndjson(events(2)), headers=auth(token) | {"Content-Type": kind}
        )
        assert answer.status_code == 415 and answer.json()["error"] == "unsupported_media_type"
    for kind in ("application/x-ndjson", "application/json; charset=utf-8", ARROW_STREAM):
        body = ipc(columns(events(2))) if kind == ARROW_STREAM else ndjson(events(2))
        answer = client.post(URL, content=body, headers=auth(token) | {"Content-Type": kind})
        assert answer.status_code == 200, (kind, answer.text)


def test_a_chunked_body_over_the_limit_is_413_everywhere(client: TestClient, rt: Runtime) -> None:
    _, token = make_device(rt, make_customer(rt).id)

    def chunks() -> Any:
        line = json.dumps({"ts": at(5), "type": "heartbeat"}).encode() + b"\n"
        for _ in range(40):
            yield line * 1000  # no Content-Length: sent chunked

    answer = client.post(URL, content=chunks(), headers=auth(token))
    assert answer.status_code == 413 and answer.json()["error"] == "payload_too_large"
    api = client.post(
        "/api/v1/customers", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert api.status_code == 413 and api.json()["error"] == "payload_too_large"


# -- fuzzing both parsers ----------------------------------------------------------------
# every code point, lone surrogates included (JSON can carry them as \u escapes)
_TEXT = st.text(st.characters(exclude_categories=()), max_size=70)
_SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), _TEXT)
_JSON = st.recursive(
    _SCALAR,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=8,
)
_FIELDS = ["ts", "type", "channel", "content_id", "duration_s", "error_code", "firmware"]


@st.composite
def _event(draw: st.DrawFn) -> Any:
    kind = draw(st.sampled_from(["valid", "mangled", "junk"]))
    if kind == "junk":
        return draw(_JSON)
    event: dict[str, Any] = {
        "ts": at(draw(st.floats(min_value=-60, max_value=60 * 24 * 30))),
        "type": draw(st.sampled_from(TYPES)),
        "channel": draw(_TEXT),
        "content_id": draw(_TEXT),
        "error_code": draw(_TEXT),
        "firmware": draw(_TEXT),
        "duration_s": draw(st.integers(min_value=-5, max_value=90_000)),
    }
    if kind == "mangled":
        for name in draw(st.lists(st.sampled_from([*_FIELDS, "extra"]), max_size=3)):
            event[name] = draw(_JSON)
    return event


@st.composite
def _json_body(draw: st.DrawFn) -> bytes:
    items = draw(st.lists(_event(), max_size=12))
    if draw(st.booleans()):
        text = json.dumps(items, ensure_ascii=draw(st.booleans()))
    else:
        sep = draw(st.sampled_from(["\n", "\r\n", "\n\n", " ", "\n  "]))
        text = sep.join(json.dumps(i, ensure_ascii=draw(st.booleans())) for i in items)
    body = text.encode("utf-8", "surrogatepass")
    for _ in range(draw(st.integers(0, 3))):  # bytes spliced in: broken syntax, bad UTF-8
        at_ = draw(st.integers(0, len(body)))
        body = body[:at_] + draw(st.binary(min_size=1, max_size=4)) + body[at_:]
    return body


@st.composite
def _arrow_body(draw: st.DrawFn) -> bytes:
    batch = events(draw(st.integers(1, 20)))
    body = bytearray(ipc(columns(batch)))
    for _ in range(draw(st.integers(0, 4))):
        body[draw(st.integers(0, len(body) - 1))] = draw(st.integers(0, 255))
    cut = draw(st.integers(0, 8))
    return bytes(body[: len(body) - cut])


def _ingest_or_refuse(store: Store, body: bytes, content_type: str | None) -> None:
    try:
        accepted = ingest_body(store, body, STAMP, LIMITS, content_type=content_type)
    except DomainError as refused:
        assert 400 <= refused.status < 500 and refused.message
        return
    files = store.files()
    assert sum(pq.read_metadata(f).num_rows for f in files) >= accepted.events > 0
    listing = ", ".join(f"'{f}'" for f in files)
    text = "sum(length(type) + coalesce(length(channel), 0) + coalesce(length(firmware), 0))"
    with duckdb.connect() as con:  # every value decodes: nothing poisons the analytics
        con.execute(f"SELECT count(*), {text} FROM read_parquet([{listing}])")  # noqa: S608


_FUZZ = settings(
    max_examples=250,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@_FUZZ
@given(body=_json_body(), kind=st.sampled_from([None, "application/json", "application/x-ndjson"]))
def test_p02_fuzz_json_bodies_get_a_4xx_or_a_durable_accept(
    tmp_path: Path, body: bytes, kind: str | None
) -> None:
    clock.reset()
    _ingest_or_refuse(Store(tmp_path / "fuzz-json"), body, kind)


@_FUZZ
@given(body=_arrow_body() | st.binary(max_size=600))
def test_p02_fuzz_arrow_bodies_get_a_4xx_or_a_durable_accept(tmp_path: Path, body: bytes) -> None:
    clock.reset()
    _ingest_or_refuse(Store(tmp_path / "fuzz-arrow"), body, ARROW_STREAM)


@_FUZZ
@given(body=st.binary(max_size=600))
def test_p02_fuzz_raw_bytes_get_a_4xx_or_a_durable_accept(tmp_path: Path, body: bytes) -> None:
    _ingest_or_refuse(Store(tmp_path / "fuzz-bytes"), body, None)


def test_the_fuzzed_store_reads_accepted_batches_back(tmp_path: Path) -> None:
    """The fuzz check above looks at real files: an accepted batch is there and readable."""
    store = Store(tmp_path / "check")
    _ingest_or_refuse(store, ndjson(events(3)), None)
    assert pa.concat_tables([pq.read_table(f) for f in store.files()]).num_rows == 3
