"""Telemetry ingest (P02): whole batches in columnar form, durable before the answer.

The hot path does no per-event Python work: the body is parsed by Arrow's JSON reader into
columns, every rule is checked on whole columns (Arrow kernels, numpy masks), the batch gets
the box's pseudonym, model and region as constant columns, and the store makes it durable.
Only a refused batch is looked at event by event, to name the first bad one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from imbplus.clock import clock
from imbplus.telemetry.arrow_body import parse_arrow
from imbplus.telemetry.batch import (
    ARROW_STREAM,
    FUTURE_MS,
    JSON_TYPES,
    MAX_DURATION_S,
    MAX_LEN,
    NO_TS,
    REQUIRED,
    TYPES,
    TYPES_ARRAY,
    BatchRefused,
    BatchTooLarge,
    UnsupportedBody,
)
from imbplus.telemetry.json_body import parse_json
from imbplus.telemetry.store import EVENT_SCHEMA, Store


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
        return parse_arrow(body, max_rows)
    return parse_json(body)


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
    ts_us = _np(pc.fill_null(pc.cast(ts, pa.int64()), NO_TS))
    now_us = now_ms * 1000
    oldest_us = now_us - limits.retention_days * 86_400_000_000
    codes = _np(pc.fill_null(pc.index_in(table.column("type"), value_set=TYPES_ARRAY), -1))
    kind_null = _np(table.column("type").is_null())
    rules: list[tuple[np.ndarray, str, str]] = [
        (ts_us == NO_TS, "ts", "required"),
        (ts_us > now_us + FUTURE_MS * 1000, "ts", "more than 24 h in the future"),
        ((ts_us < oldest_us) & (ts_us != NO_TS), "ts", "older than the retention period"),
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
