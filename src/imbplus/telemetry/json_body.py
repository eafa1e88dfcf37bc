"""JSON bodies of a telemetry batch (P02): newline-delimited objects or one array, read by
Arrow's JSON reader into the input columns after their shape is checked."""

from __future__ import annotations

import json
import re
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from imbplus.telemetry.batch import (
    ARRAY_OPTIONS,
    INPUT_SCHEMA,
    NDJSON_OPTIONS,
    TS_TYPE,
    BatchRefused,
    MalformedBatch,
)

# -- parsing -------------------------------------------------------------------------------
# Arrow's JSON reader is fast but not built for hostile input: a top-level `null` as the
# first value crashes the process, and it stores string bytes without checking that they
# are UTF-8. So the body's shape is checked before the reader sees it (C-speed scans, no
# per-event Python work), and what it returns is checked against the body afterwards.
_LEADING_SPACE = re.compile(rb"\s*")
_LINE_NOT_AN_OBJECT = re.compile(rb"\n[ \t\r]*[^{ \t\r\n]")


def _first_byte(body: bytes) -> int:
    start = _LEADING_SPACE.match(body)
    at = start.end() if start else 0
    return body[at] if at < len(body) else 0


def parse_json(body: bytes) -> pa.Table:
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
            pa.BufferReader(body),
            read_options=_read_options(len(body)),
            parse_options=NDJSON_OPTIONS,
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
            parse_options=ARRAY_OPTIONS,
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
    return table.set_column(0, "ts", pc.cast(table.column("ts"), TS_TYPE))


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


_TS_PROBLEM = "not an ISO 8601 time, e.g. 2026-11-25T18:03:12.250Z"


def _check_ts(index: int, value: object) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise BatchRefused(index, _TS_PROBLEM, field="ts")
    try:
        pa.array([value]).cast(TS_TYPE)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        raise BatchRefused(index, _TS_PROBLEM, field="ts") from None
