"""What a telemetry batch is (P02): the event types, the input columns and their limits,
and how a refused batch is answered. Shared by the JSON and Arrow body parsers and the
ingest path."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.json as pj

from imbplus.errors import DomainError

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
TS_TYPE = pa.timestamp("us", tz="UTC")
INPUT_SCHEMA = pa.schema(
    [
        ("ts", TS_TYPE),  # ISO 8601, parsed by the JSON reader itself
        ("type", pa.string()),
        ("channel", pa.string()),
        ("content_id", pa.string()),
        ("duration_s", pa.int64()),
        ("error_code", pa.string()),
        ("firmware", pa.string()),
    ]
)
NDJSON_OPTIONS = pj.ParseOptions(explicit_schema=INPUT_SCHEMA, unexpected_field_behavior="ignore")
# The array is parsed inside a wrapper object; "infer" keeps any key the body smuggled next
# to the array (`[...],"x":1`) as a column of its own, so that such a body is refused.
ARRAY_OPTIONS = pj.ParseOptions(
    explicit_schema=pa.schema([("e", pa.list_(pa.struct(INPUT_SCHEMA)))]),
    unexpected_field_behavior="infer",
    newlines_in_values=True,
)
TYPES_ARRAY = pa.array(TYPES)
NO_TS = np.iinfo(np.int64).min


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


ARROW_STREAM = "application/vnd.apache.arrow.stream"
JSON_TYPES = frozenset(
    {"application/json", "application/x-ndjson", "application/ndjson", "application/jsonl"}
)


class UnsupportedBody(DomainError):
    status = 415
    code = "unsupported_media_type"
