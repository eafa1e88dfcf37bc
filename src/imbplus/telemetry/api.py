"""`POST /api/v1/telemetry/events`: a lean route on the hot path.

No database session is opened per request (the token cache does that on a miss); the body
is read once and handed to the ingest service in a worker thread, so the event loop keeps
accepting while Arrow parses and the file is fsynced.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from imbplus.telemetry.service import IngestAnswer, ingestor_for
from imbplus.web.deps import get_runtime
from imbplus.web.guards import PUBLIC
from imbplus.web.responses import ErrorBody

# Open at the router: the ingest checks the box's token itself, from its own cache and off
# the event loop, without a database session per request.
router = APIRouter(prefix="/api/v1/telemetry", tags=["telemetry"], dependencies=PUBLIC)

_EVENT = {
    "type": "object",
    "required": ["ts", "type"],
    "properties": {
        "ts": {"type": "string", "description": "ISO 8601 with zone, e.g. 2026-11-25T18:03:12Z"},
        "type": {
            "type": "string",
            "enum": ["power_on", "power_off", "heartbeat", "channel_play", "vod_play", "error"],
        },
        "channel": {"type": "string", "maxLength": 64, "description": "channel_play"},
        "content_id": {"type": "string", "maxLength": 64, "description": "vod_play"},
        "duration_s": {"type": "integer", "minimum": 0, "maximum": 86400},
        "error_code": {"type": "string", "maxLength": 32, "description": "error"},
        "firmware": {"type": "string", "maxLength": 32, "description": "power_on"},
    },
}
_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "Up to 5,000 events / 1 MiB: NDJSON (one event per line), a JSON "
        "array, or an Arrow IPC stream of the same columns (`ts` a timestamp). Accepted "
        "whole or refused whole.",
        "content": {
            "application/x-ndjson": {"schema": {"type": "string"}},
            "application/vnd.apache.arrow.stream": {
                "schema": {"type": "string", "format": "binary"}
            },
            "application/json": {"schema": {"type": "array", "items": _EVENT, "maxItems": 5000}},
        },
    },
    "security": [{"DeviceToken": []}],
}


def _e(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


@router.post(
    "/events",
    openapi_extra=_BODY,
    responses={
        400: _e("Malformed NDJSON/JSON; `index` names the first bad event."),
        401: _e("Missing, unknown or revoked device token."),
        403: _e("The box is suspended, returned or retired."),
        413: _e("More than 5,000 events or 1 MiB."),
        422: _e("A bad event: `index`, `field` and `problem` name the first one."),
        429: _e("The box posts more than a box can (Retry-After)."),
    },
)
async def post_events(request: Request) -> IngestAnswer:
    """Store a batch of a box's events. A 200 answer means the batch is on disk (fsync)."""
    ingestor = ingestor_for(request.app.state, get_runtime(request))
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    body = await request.body()
    address = request.client.host if request.client else None
    return await run_in_threadpool(
        ingestor.ingest,
        token.strip() if scheme.lower() == "bearer" else None,
        body,
        address,
        request.headers.get("content-type"),
    )
