"""Building event batches for tests."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from imbplus.clock import clock


def at(minutes_ago: float = 1) -> str:
    return (clock.now() - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M:%S.%f")[
        :-3
    ] + "Z"


def events(n: int, start_minutes_ago: float = 600) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    kinds = ["heartbeat", "channel_play", "vod_play", "error", "power_on", "power_off"]
    for i in range(n):
        kind = kinds[i % len(kinds)]
        event: dict[str, Any] = {"ts": at(start_minutes_ago - i * 0.01), "type": kind}
        if kind == "channel_play":
            event |= {"channel": "tvp1", "duration_s": 30}
        elif kind == "vod_play":
            event |= {"content_id": "vod-00042", "duration_s": 3600}
        elif kind == "error":
            event["error_code"] = "E1001"
        elif kind == "power_on":
            event["firmware"] = "4.2.3"
        out.append(event)
    return out


def ndjson(items: list[dict[str, Any]]) -> bytes:
    return ("\n".join(json.dumps(e) for e in items) + "\n").encode()


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/x-ndjson"}
