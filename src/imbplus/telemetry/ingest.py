"""Telemetry ingest (P02): whole batches in columnar form, durable before the answer.

The hot path does no per-event Python work: the body is parsed by Arrow's JSON reader into
columns, every rule is checked on whole columns (Arrow kernels, numpy masks), the batch gets
the box's pseudonym, model and region as constant columns, and the store makes it durable.
Only a refused batch is looked at event by event, to name the first bad one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
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
_TS_TYPE = pa.timestamp("us", tz="UTC")
INPUT_SCHEMA = pa.schema(
    [
        ("ts", _TS_TYPE),  # ISO 8601, parsed by the JSON reader itself
        ("type", pa.string()),
        ("channel", pa.string()),
        ("content_id", pa.string()),
        ("duration_s", pa.int64()),
        ("error_code", pa.string()),
        ("firmware", pa.string()),
    ]
)
_NDJSON = pj.ParseOptions(explicit_schema=INPUT_SCHEMA, unexpected_field_behavior="ignore")
# The array is parsed inside a wrapper object; "infer" keeps any key the body smuggled next
# to the array (`[...],"x":1`) as a column of its own, so that such a body is refused.
_ARRAY = pj.ParseOptions(
    explicit_schema=pa.schema([("e", pa.list_(pa.struct(INPUT_SCHEMA)))]),
    unexpected_field_behavior="infer",
    newlines_in_values=True,
)
_TYPES = pa.array(TYPES)
_NO_TS = np.iinfo(np.int64).min


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
# Arrow's JSON reader is fast but not built for hostile input: a top-level `null` as the
# first value crashes the process, and it stores string bytes without checking that they
# are UTF-8. So the body's shape is checked before the reader sees it (C-speed scans, no
# per-event Python work), and what it returns is checked against the body afterwards.
_LEADING_SPACE = re.compile(rb"\s*")
_LINE_NOT_AN_OBJECT = re.compile(rb"\n[ \t\r]*[^{ \t\r\n]")

ARROW_STREAM = "application/vnd.apache.arrow.stream"
JSON_TYPES = frozenset(
    {"application/json", "application/x-ndjson", "application/ndjson", "application/jsonl"}
)


class UnsupportedBody(DomainError):
    status = 415
    code = "unsupported_media_type"


def _first_byte(body: bytes) -> int:
    start = _LEADING_SPACE.match(body)
    at = start.end() if start else 0
    return body[at] if at < len(body) else 0


def media_type(content_type: str | None) -> str | None:
    """The body's kind from its Content-Type: None (sniffed as JSON), a JSON type or Arrow;
    any other type is refused before the body is looked at."""
    if not content_type or not content_type.strip():
        return None
    kind = content_type.split(";")[0].strip().lower()
    if kind == ARROW_STREAM or kind in JSON_TYPES:
        return kind
    raise UnsupportedBody(
        "send application/x-ndjson, application/json or " + ARROW_STREAM,
        content_type=kind[:80],
    )


def parse(body: bytes, content_type: str | None = None, max_rows: int = 5000) -> pa.Table:
    if media_type(content_type) == ARROW_STREAM:
        from imbplus.telemetry.arrow_body import parse_arrow  # it builds on this module

        return parse_arrow(body, max_rows)
    _require_utf8(body)
    first = _first_byte(body)
    if first == 0:
        raise BatchRefused(None, "the batch holds no events")
    if first == ord("["):
        return _parse_array(body)
    return _parse_ndjson(body)


def _require_utf8(body: bytes) -> None:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as bad:
        line = body.count(b"\n", 0, bad.start)
        raise MalformedBatch(None, f"the body is not UTF-8 (line {line + 1})") from None


def _read_options(size: int) -> pj.ReadOptions:
    # One block, one thread: the server's workers already keep every core busy, and
    # splitting a 5,000-event batch over Arrow's thread pool only pays on an idle machine.
    return pj.ReadOptions(use_threads=False, block_size=size + 1)


def _parse_ndjson(body: bytes) -> pa.Table:
    if _first_byte(body) != ord("{") or _LINE_NOT_AN_OBJECT.search(body):
        _locate_syntax(_ndjson_lines(body))  # names the line that is not an object
        raise MalformedBatch(None, "not newline-delimited JSON objects")
    try:
        table = pj.read_json(
            pa.BufferReader(body), read_options=_read_options(len(body)), parse_options=_NDJSON
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        _locate_syntax(_ndjson_lines(body))
        raise MalformedBatch(None, "not newline-delimited JSON objects") from None
    return table


def _parse_array(body: bytes) -> pa.Table:
    try:
        wrapped = pj.read_json(
            pa.BufferReader(b'{"e":' + body + b"}"),
            read_options=_read_options(len(body) + 16),
            parse_options=_ARRAY,
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        # Slow path: a bad event to name, or unknown fields whose types vary between events.
        items = _json_array(body)
        _locate_syntax([json.dumps(i) for i in items])
        return _table_of(items)
    if wrapped.num_rows != 1 or wrapped.schema.names != ["e"]:
        _json_array(body)  # text after the array: not one JSON value
        raise MalformedBatch(None, "expected one JSON array of events")
    events = wrapped.column("e")
    if events.null_count:
        raise MalformedBatch(None, "expected a JSON array of events")
    flat = pc.list_flatten(events)
    if isinstance(flat, pa.ChunkedArray):
        flat = flat.combine_chunks()
    if flat.null_count:
        index = pc.index(pc.is_null(flat), True).as_py()
        raise BatchRefused(index, "must be a JSON object")
    return pa.Table.from_struct_array(flat).select(INPUT_SCHEMA.names)


def _json_array(body: bytes) -> list[Any]:
    try:
        items = json.loads(body)
    except (ValueError, RecursionError):
        raise MalformedBatch(None, "the body is not valid JSON") from None
    if not isinstance(items, list):
        raise MalformedBatch(None, "expected a JSON array of events")
    return items


def _table_of(items: list[dict[str, Any]]) -> pa.Table:
    """Checked event objects (`_locate_syntax` passed) as input columns."""
    text = INPUT_SCHEMA.set(0, pa.field("ts", pa.string()))
    table = pa.Table.from_pylist([{k: i.get(k) for k in text.names} for i in items], text)
    return table.set_column(0, "ts", pc.cast(table.column("ts"), _TS_TYPE))


def _ndjson_lines(body: bytes) -> list[str]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedBatch(None, "the body is not UTF-8") from None
    return [line for line in text.splitlines() if line.strip()]


_KIND = {
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
        _check_ts(index, event.get("ts"))
        for name, kind in _KIND.items():
            value = event.get(name)
            if value is not None and not isinstance(value, kind):
                raise BatchRefused(index, "must be a string", field=name)
            if isinstance(value, str) and not _encodable(value):
                raise MalformedBatch(index, "not valid Unicode (a lone surrogate)", field=name)
        duration = event.get("duration_s")
        if duration is not None and (isinstance(duration, bool) or not isinstance(duration, int)):
            raise BatchRefused(index, "must be an integer", field="duration_s")
        if duration is not None and not -(2**63) <= duration < 2**63:
            raise BatchRefused(index, "out of range", field="duration_s")


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# -- validation ----------------------------------------------------------------------------
_TS_PROBLEM = "not an ISO 8601 time, e.g. 2026-11-25T18:03:12.250Z"


def _check_ts(index: int, value: object) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise BatchRefused(index, _TS_PROBLEM, field="ts")
    try:
        pa.array([value]).cast(_TS_TYPE)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        raise BatchRefused(index, _TS_PROBLEM, field="ts") from None


def _np(values: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.asarray(values.to_numpy(zero_copy_only=False))


def _too_long(column: pa.ChunkedArray, max_len: int) -> np.ndarray | None:
    """Mask of values over `max_len` characters, or None when none can be (byte lengths
    from the offsets buffer bound the character lengths: no kernel in the common case)."""
    for chunk in column.chunks:
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int32)
        window = offsets[chunk.offset : chunk.offset + len(chunk) + 1]
        if len(window) > 1 and int(np.max(np.diff(window))) > max_len:
            break
    else:
        return None
    return _np(pc.fill_null(pc.greater(pc.utf8_length(column), max_len), False))


_CONTROL = r"[\x00-\x1f\x7f-\x9f]"


def _controls(column: pa.ChunkedArray) -> np.ndarray | None:
    """Mask of values holding control characters (C0, DEL, C1), or None when none does: the
    text bytes are scanned at once; only a hit pays for a per-value kernel."""
    for chunk in column.chunks:
        if chunk.null_count == len(chunk):
            continue
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int32)
        start, end = offsets[chunk.offset], offsets[chunk.offset + len(chunk)]
        data = np.frombuffer(chunk.buffers()[2], dtype=np.uint8)[start:end]
        c1 = (data[:-1] == 0xC2) & (data[1:] >= 0x80) & (data[1:] <= 0x9F)
        if (data < 0x20).any() or (data == 0x7F).any() or c1.any():
            break
    else:
        return None
    return _np(pc.fill_null(pc.match_substring_regex(column, _CONTROL), False))


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
    ts = table.column("ts")
    ts_us = _np(pc.fill_null(pc.cast(ts, pa.int64()), _NO_TS))
    now_us = now_ms * 1000
    oldest_us = now_us - limits.retention_days * 86_400_000_000
    codes = _np(pc.fill_null(pc.index_in(table.column("type"), value_set=_TYPES), -1))
    kind_null = _np(table.column("type").is_null())
    rules: list[tuple[np.ndarray, str, str]] = [
        (ts_us == _NO_TS, "ts", "required"),
        (ts_us > now_us + FUTURE_MS * 1000, "ts", "more than 24 h in the future"),
        ((ts_us < oldest_us) & (ts_us != _NO_TS), "ts", "older than the retention period"),
        (kind_null, "type", "required"),
        ((codes < 0) & ~kind_null, "type", f"unknown type; one of {', '.join(TYPES)}"),
    ]
    for event_type, field in REQUIRED.items():
        missing = _np(table.column(field).is_null()) & (codes == TYPES.index(event_type))
        rules.append((missing, field, f"required for {event_type}"))
    for field, max_len in MAX_LEN.items():
        long = _too_long(table.column(field), max_len)
        if long is not None:
            rules.append((long, field, f"longer than {max_len} characters"))
        controls = _controls(table.column(field))
        if controls is not None:
            rules.append((controls, field, "holds control characters"))
    duration = _np(pc.fill_null(table.column("duration_s"), 0))
    rules.append(
        (
            (duration < 0) | (duration > MAX_DURATION_S),
            "duration_s",
            f"between 0 and {MAX_DURATION_S}",
        )
    )
    bad = np.logical_or.reduce([mask for mask, _f, _p in rules])
    if not bad.any():
        return ts
    index, field, problem = min((int(np.argmax(mask)), f, p) for mask, f, p in rules if mask.any())
    raise BatchRefused(index, problem, field=field)


# -- the stored batch ----------------------------------------------------------------------
def stored(table: pa.Table, ts: pa.ChunkedArray, stamp: Stamp) -> pa.Table:
    n = table.num_rows
    firmware = table.column("firmware")
    if firmware.null_count:
        firmware = pc.coalesce(firmware, pa.scalar(stamp.firmware))
    millis = pc.cast(pc.cast(ts, pa.timestamp("ms", tz="UTC"), safe=False), pa.timestamp("ms"))
    return pa.Table.from_arrays(
        [
            millis,
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
    content_type: str | None = None,
) -> Accepted:
    """Parse, validate and durably store one batch. Returns only once it is on disk."""
    if len(body) > limits.max_bytes:
        raise BatchTooLarge(
            f"request body over {limits.max_bytes} bytes", max_bytes=limits.max_bytes
        )
    table = parse(body, content_type, limits.max_events)
    ts = validate(table, limits, clock.now_us() // 1000)
    if before_write is not None:
        before_write(table.num_rows)
    files = store.write_batch(stored(table, ts, stamp))
    return Accepted(events=table.num_rows, batch=files[0].stem, files=len(files))
