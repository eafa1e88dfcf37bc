"""Telemetry ingest (P02): whole batches in columnar form, durable before the answer.

The hot path does no per-event Python work: the body is parsed by Arrow's JSON reader into
columns, every rule is checked on whole columns with Arrow compute kernels, the batch gets
the box's pseudonym, model and region as constant columns, and the store makes it durable.
Only a refused batch is looked at event by event, to name the first bad one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from imbplus.clock import clock
from imbplus.errors import DomainError
from imbplus.telemetry.store import EVENT_SCHEMA, Store

TYPES = ("power_on", "power_off", "heartbeat", "channel_play", "vod_play", "error")
REQUIRED = {
    "channel_play": "channel",
    "vod_play": "content_id",
    "error": "error_code",
    "power_on": "firmware",
}
MAX_LEN = {"channel": 64, "content_id": 64, "error_code": 32, "firmware": 32}
MAX_DURATION_S = 86_400
FUTURE_MS = 24 * 3600 * 1000
STRING_FIELDS = ("ts", "type", "channel", "content_id", "error_code", "firmware")
INPUT_SCHEMA = pa.schema(
    [
        ("ts", pa.string()),
        ("type", pa.string()),
        ("channel", pa.string()),
        ("content_id", pa.string()),
        ("duration_s", pa.int64()),
        ("error_code", pa.string()),
        ("firmware", pa.string()),
    ]
)
_NDJSON = pj.ParseOptions(explicit_schema=INPUT_SCHEMA, unexpected_field_behavior="ignore")
_ARRAY = pj.ParseOptions(
    explicit_schema=pa.schema([("e", pa.list_(pa.struct(INPUT_SCHEMA)))]),
    unexpected_field_behavior="ignore",
    newlines_in_values=True,
)
_TYPES = pa.array(TYPES)
_TS_TYPE = pa.timestamp("ms", tz="UTC")


class BatchRefused(DomainError):
    """The whole batch is refused; `index` names the first bad event (0-based)."""

    status = 422
    code = "batch_refused"

    def __init__(self, index: int | None, problem: str, field: str | None = None) -> None:
        where = f"event {index}" if index is not None else "batch"
        super().__init__(f"{where}: {problem}", index=index, field=field, problem=problem)


class MalformedBatch(BatchRefused):
    status = 400
    code = "malformed_batch"


class BatchTooLarge(DomainError):
    status = 413
    code = "payload_too_large"


@dataclass(frozen=True)
class Limits:
    max_events: int
    max_bytes: int
    retention_days: int


@dataclass(frozen=True)
class Stamp:
    """What the server adds to every event of a box's batch."""

    pseudonym: int
    model: str
    firmware: str
    region: str | None


# -- parsing -------------------------------------------------------------------------------
def _first_byte(body: bytes) -> int:
    stripped = body.lstrip()
    return stripped[0] if stripped else 0


def parse(body: bytes) -> pa.Table:
    first = _first_byte(body)
    if first == 0:
        raise BatchRefused(None, "the batch holds no events")
    if first == ord("["):
        return _parse_array(body)
    return _parse_ndjson(body)


def _read_options(size: int) -> pj.ReadOptions:
    # Two blocks let Arrow parse a large batch on both cores.
    return pj.ReadOptions(use_threads=size > 65_536, block_size=max(size // 2 + 1, 1 << 16))


def _parse_ndjson(body: bytes) -> pa.Table:
    try:
        return pj.read_json(
            pa.BufferReader(body), read_options=_read_options(len(body)), parse_options=_NDJSON
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        _locate_syntax(_ndjson_lines(body))
        raise MalformedBatch(None, "not newline-delimited JSON objects") from None


def _parse_array(body: bytes) -> pa.Table:
    try:
        wrapped = pj.read_json(
            pa.BufferReader(b'{"e":' + body + b"}"),
            read_options=pj.ReadOptions(use_threads=False, block_size=len(body) + 16),
            parse_options=_ARRAY,
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        try:
            items = json.loads(body)
        except (ValueError, RecursionError):
            raise MalformedBatch(None, "the body is not valid JSON") from None
        if not isinstance(items, list):
            raise MalformedBatch(None, "expected a JSON array of events") from None
        _locate_syntax([json.dumps(i) for i in items])
        raise MalformedBatch(None, "not a JSON array of event objects") from None
    events = wrapped.column("e")
    if events.null_count:
        raise MalformedBatch(None, "expected a JSON array of events")
    flat = pc.list_flatten(events)
    if isinstance(flat, pa.ChunkedArray):
        flat = flat.combine_chunks()
    if flat.null_count:
        index = pc.index(pc.is_null(flat), True).as_py()
        raise BatchRefused(index, "must be a JSON object")
    return pa.Table.from_struct_array(flat)


def _ndjson_lines(body: bytes) -> list[str]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedBatch(None, "the body is not UTF-8") from None
    return [line for line in text.splitlines() if line.strip()]


_KIND = {
    "ts": str,
    "type": str,
    "channel": str,
    "content_id": str,
    "error_code": str,
    "firmware": str,
}


def _locate_syntax(lines: list[str]) -> None:
    """Slow path, refused batches only: the first event that is not a well-typed object."""
    for index, line in enumerate(lines):
        try:
            event: Any = json.loads(line)
        except (ValueError, RecursionError):
            raise MalformedBatch(index, "not a JSON object (malformed JSON)") from None
        if not isinstance(event, dict):
            raise BatchRefused(index, "must be a JSON object")
        for name, kind in _KIND.items():
            value = event.get(name)
            if value is not None and not isinstance(value, kind):
                raise BatchRefused(index, "must be a string", field=name)
        duration = event.get("duration_s")
        if duration is not None and (isinstance(duration, bool) or not isinstance(duration, int)):
            raise BatchRefused(index, "must be an integer", field="duration_s")
        if duration is not None and not -(2**63) <= duration < 2**63:
            raise BatchRefused(index, "out of range", field="duration_s")


# -- validation ----------------------------------------------------------------------------
def _ts(column: pa.ChunkedArray) -> pa.ChunkedArray:
    try:
        return pc.cast(column, _TS_TYPE)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        for index, value in enumerate(column.to_pylist()):
            if value is None:
                continue
            try:
                pa.array([value]).cast(_TS_TYPE)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                raise BatchRefused(
                    index,
                    "not an ISO 8601 time with a zone, e.g. 2026-11-25T18:03:12.250Z",
                    field="ts",
                ) from None
        raise BatchRefused(None, "unreadable timestamps", field="ts") from None


def _first(mask: pa.ChunkedArray | pa.Array) -> int:
    return int(pc.index(mask, True).as_py())


def validate(table: pa.Table, limits: Limits, now_ms: int) -> pa.ChunkedArray:
    """Check every rule on whole columns; returns the timestamps. Raises on the first bad
    event (lowest index over all rules)."""
    n = table.num_rows
    if n == 0:
        raise BatchRefused(None, "the batch holds no events")
    if n > limits.max_events:
        raise BatchTooLarge(
            f"{n} events in one batch; at most {limits.max_events}",
            max_events=limits.max_events,
        )
    ts = _ts(table.column("ts"))
    ts_ms = pc.cast(ts, pa.int64())
    oldest_ms = now_ms - limits.retention_days * 86_400_000
    kind = table.column("type")
    rules: list[tuple[pa.ChunkedArray, str, str]] = [
        (pc.is_null(ts_ms), "ts", "required"),
        (pc.greater(ts_ms, now_ms + FUTURE_MS), "ts", "more than 24 h in the future"),
        (pc.less(ts_ms, oldest_ms), "ts", "older than the retention period"),
        (pc.is_null(kind), "type", "required"),
        (
            pc.invert(pc.is_in(kind, value_set=_TYPES, skip_nulls=True)),
            "type",
            f"unknown type; one of {', '.join(TYPES)}",
        ),
    ]
    for event_type, field in REQUIRED.items():
        rules.append(
            (
                pc.and_(pc.equal(kind, event_type), pc.is_null(table.column(field))),
                field,
                f"required for {event_type}",
            )
        )
    for field, max_len in MAX_LEN.items():
        rules.append(
            (
                pc.greater(pc.utf8_length(table.column(field)), max_len),
                field,
                f"longer than {max_len} characters",
            )
        )
    duration = table.column("duration_s")
    rules.append(
        (
            pc.or_(pc.less(duration, 0), pc.greater(duration, MAX_DURATION_S)),
            "duration_s",
            f"between 0 and {MAX_DURATION_S}",
        )
    )
    bad = rules[0][0]
    for mask, _field, _problem in rules[1:]:
        bad = pc.or_kleene(bad, mask)
    if not pc.any(bad).as_py():
        return ts
    found = [(_first(pc.fill_null(m, False)), f, p) for m, f, p in rules]
    index, field, problem = min((i, f, p) for i, f, p in found if i >= 0)
    raise BatchRefused(index, problem, field=field)


# -- the stored batch ----------------------------------------------------------------------
def stored(table: pa.Table, ts: pa.ChunkedArray, stamp: Stamp) -> pa.Table:
    n = table.num_rows
    firmware = table.column("firmware")
    if firmware.null_count:
        firmware = pc.coalesce(firmware, pa.scalar(stamp.firmware))
    return pa.Table.from_arrays(
        [
            pc.cast(ts, pa.timestamp("ms")),
            pa.repeat(pa.scalar(stamp.pseudonym, pa.int64()), n),
            table.column("type"),
            table.column("channel"),
            table.column("content_id"),
            pc.cast(table.column("duration_s"), pa.int32()),
            table.column("error_code"),
            firmware,
            pa.repeat(pa.scalar(stamp.model, pa.string()), n),
            pa.repeat(pa.scalar(stamp.region, pa.string()), n),
        ],
        schema=EVENT_SCHEMA,
    )


@dataclass(frozen=True)
class Accepted:
    events: int
    batch: str
    files: int


def ingest_body(
    store: Store,
    body: bytes,
    stamp: Stamp,
    limits: Limits,
    before_write: Callable[[int], None] | None = None,
) -> Accepted:
    """Parse, validate and durably store one batch. Returns only once it is on disk."""
    if len(body) > limits.max_bytes:
        raise BatchTooLarge(
            f"request body over {limits.max_bytes} bytes", max_bytes=limits.max_bytes
        )
    table = parse(body)
    ts = validate(table, limits, clock.now_us() // 1000)
    if before_write is not None:
        before_write(table.num_rows)
    files = store.write_batch(stored(table, ts, stamp))
    return Accepted(events=table.num_rows, batch=files[0].stem, files=len(files))
