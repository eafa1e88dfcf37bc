"""Arrow IPC bodies for telemetry ingest (`application/vnd.apache.arrow.stream`).

Firmware that builds columns sends them as they are; the server checks them and brings them
to the input types, then the same rules as for NDJSON apply. The body is untrusted, so
nothing in it may make the server allocate much more than the body itself:

* compressed IPC buffers are refused before anything is read (a 1 MiB zstd body can unpack
  to gigabytes); the check reads the record batches' flatbuffer headers;
* the row count is checked before missing columns are filled with nulls;
* dictionary-encoded text is expanded only when every value the rows use is within the
  field's length limit (5,000 rows pointing at one long value would multiply it);
* `validate(full=True)` checks every offset and length against the buffers.
"""

from __future__ import annotations

import struct

import pyarrow as pa
import pyarrow.compute as pc

from imbplus.telemetry.batch import (
    INPUT_SCHEMA,
    MAX_LEN,
    BatchRefused,
    BatchTooLarge,
    MalformedBatch,
)

_KIND = {
    "ts": "a timestamp column (or ISO 8601 text)",
    "type": "a text column",
    "channel": "a text column",
    "content_id": "a text column",
    "duration_s": "an integer column",
    "error_code": "a text column",
    "firmware": "a text column",
}
_TEXT_MAX = {**MAX_LEN, "type": 32, "ts": 64}
# ValueError: field names that are not UTF-8 (and ArrowInvalid, its subclass)
_ERRORS = (pa.ArrowException, OSError, ValueError, struct.error, IndexError)


# -- the flatbuffer header of an IPC message (Arrow's Message.fbs) ---------------------------
def _field(buf: bytes, table: int, index: int) -> int | None:
    """Absolute position of field `index` of the flatbuffer table at `table`, or None."""
    vtable = table - struct.unpack_from("<i", buf, table)[0]
    size = struct.unpack_from("<H", buf, vtable)[0]
    slot = 4 + 2 * index
    if slot + 2 > size:
        return None
    offset = struct.unpack_from("<H", buf, vtable + slot)[0]
    return table + offset if offset else None


def _deref(buf: bytes, pos: int) -> int:
    return pos + int(struct.unpack_from("<I", buf, pos)[0])


def _is_compressed(meta: bytes) -> bool:
    """Message{header_type: 1, header: 2}; RecordBatch{compression: 3};
    DictionaryBatch{data: 1 -> RecordBatch}."""
    root = _deref(meta, 0)
    kind_at, header_at = _field(meta, root, 1), _field(meta, root, 2)
    if kind_at is None or header_at is None:
        return False
    kind, header = meta[kind_at], _deref(meta, header_at)
    if kind == 2:  # DictionaryBatch
        data_at = _field(meta, header, 1)
        if data_at is None:
            return False
        header, kind = _deref(meta, data_at), 3
    return kind == 3 and _field(meta, header, 3) is not None


def _refuse_compressed(body: bytes) -> None:
    reader = pa.ipc.MessageReader.open_stream(pa.BufferReader(body))
    while True:
        try:
            message = reader.read_next_message()
        except StopIteration:
            return
        if message is None:
            return
        if message.type in ("record batch", "dictionary batch"):
            try:
                compressed = _is_compressed(message.metadata.to_pybytes())
            except (struct.error, IndexError):
                raise MalformedBatch(None, "not an Arrow IPC stream") from None
            if compressed:
                raise MalformedBatch(
                    None, "compressed Arrow buffers are not accepted; send them uncompressed"
                )


# -- columns -----------------------------------------------------------------------------
def _expand(column: pa.ChunkedArray, name: str) -> pa.ChunkedArray:
    """Dictionary text, checked before it is expanded; other columns as they are."""
    if not pa.types.is_dictionary(column.type):
        return column
    limit = _TEXT_MAX[name]
    for chunk_start, chunk in _chunks(column):
        values = chunk.dictionary
        if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
            raise MalformedBatch(None, f"expected {_KIND[name]}", field=name)
        long = pc.greater(pc.utf8_length(values), limit)
        if not pc.any(long).as_py():
            continue
        used = pc.fill_null(pc.take(long, chunk.indices), False)
        if pc.any(used).as_py():
            index = chunk_start + pc.index(used, True).as_py()
            raise BatchRefused(index, f"longer than {limit} characters", field=name)
    return column


def _chunks(column: pa.ChunkedArray) -> list[tuple[int, pa.DictionaryArray]]:
    out, start = [], 0
    for chunk in column.chunks:
        out.append((start, chunk))
        start += len(chunk)
    return out


def _conform(column: pa.ChunkedArray, field: pa.Field) -> pa.ChunkedArray:
    if field.name == "ts":
        kind = column.type
        text = pa.types.is_string(kind) or pa.types.is_large_string(kind)
        if not (pa.types.is_timestamp(kind) or text):
            raise MalformedBatch(None, f"expected {_KIND['ts']}", field="ts")
        if pa.types.is_timestamp(kind) and kind.tz is None:
            column = pc.assume_timezone(column, "UTC")
    try:
        return pc.cast(column, field.type)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        raise MalformedBatch(None, f"expected {_KIND[field.name]}", field=field.name) from None


def parse_arrow(body: bytes, max_rows: int) -> pa.Table:
    """An Arrow IPC stream of event columns (names as in JSON): unknown columns ignored,
    missing optional ones null; `ts` a timestamp (naive means UTC) or ISO 8601 text."""
    try:
        _refuse_compressed(body)
        table = pa.ipc.open_stream(pa.BufferReader(body)).read_all()
        table.validate(full=True)  # untrusted buffers: offsets and lengths checked
    except _ERRORS:
        raise MalformedBatch(None, "not an Arrow IPC stream") from None
    if table.num_rows > max_rows:
        raise BatchTooLarge(
            f"{table.num_rows} events in one batch; at most {max_rows}", max_events=max_rows
        )
    names = table.schema.names
    columns = []
    for field in INPUT_SCHEMA:
        found = names.count(field.name)
        if found > 1:
            raise MalformedBatch(None, "column given twice", field=field.name)
        if not found:
            columns.append(pa.nulls(table.num_rows, field.type))
            continue
        columns.append(_conform(_expand(table.column(field.name), field.name), field))
    return pa.Table.from_arrays(columns, schema=INPUT_SCHEMA)
