"""What the request log costs a request, and how fast its writer empties the queue.

    python benchmarks/request_log.py [--requests 100000] [--database-url URL]

Calls ASGI apps directly (no sockets, so the cost is not hidden in network noise), with
and without the request-log middleware:
* `raw_asgi_writer_idle`: a bare ASGI app answering 200, the writer writing only after the
  timed rounds: the cost a request pays on its own path (`request_path_overhead_us`);
* `json_post_100_events_writer_running`: a FastAPI route taking a JSON batch of 100
  events, shaped like a telemetry ingest call, with the writer thread writing meanwhile
  as in production (its CPU competes with the requests; noisy on a shared machine).
Then measures the writer alone (`writer_us_per_line`: masking, encryption, blind index and
the database write of one line, spent on the background thread). Their sum is the CPU a
request costs in all (`amortized_us_per_request`). `lines_lost` must be 0.
Prints one JSON line and saves it in benchmarks/results/request_log-<backend>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import func, select

from benchmarks.common import save, scratch_runtime
from imbplus.clock import clock
from imbplus.runtime import Runtime
from imbplus.traffic.middleware import TrafficLogMiddleware
from imbplus.traffic.models import MaskedRequest
from imbplus.traffic.writer import RequestLogWriter

App = Callable[[dict[str, Any], Any, Any], Awaitable[None]]
HEADERS = [
    (b"host", b"imb.example"),
    (b"user-agent", b"stb-firmware/4.2"),
    (b"content-type", b"application/json"),
    (b"referer", b"https://www.example.org/news"),
]


async def raw_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


class Event(BaseModel):
    box: str
    kind: str
    ts: int


def json_app() -> FastAPI:
    app = FastAPI()

    @app.post("/api/v1/telemetry/events", status_code=202)
    def ingest(events: list[Event]) -> dict[str, int]:
        return {"accepted": len(events)}

    return app


BODY = json.dumps(
    [{"box": f"STB{n:06d}", "kind": "heartbeat", "ts": 1_700_000_000 + n} for n in range(100)]
).encode()


async def drive(app: App, method: str, path: str, body: bytes, n: int) -> float:
    """Seconds per request over n requests."""

    async def send(_message: dict[str, Any]) -> None:
        return None

    started = time.perf_counter()
    for i in range(n):
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": HEADERS,
            "client": (f"198.51.{i % 200}.{i % 250}", 40000),
            "server": ("127.0.0.1", 8000),
        }
        await app(scope, receive, send)
    return (time.perf_counter() - started) / n


def best(app: App, method: str, path: str, body: bytes, n: int, rounds: int = 3) -> float:
    return min(asyncio.run(drive(app, method, path, body, n)) for _ in range(rounds))


ROUNDS = 5


def measure(
    rt: Runtime,
    inner: App,
    method: str,
    path: str,
    body: bytes,
    n: int,
    *,
    write_while_timing: bool,
) -> dict[str, Any]:
    """Time per request without and with the middleware, rounds interleaved so that noise
    from other processes hits both alike. With `write_while_timing` the writer thread writes
    during the rounds as in production (its CPU competes with the requests); without, it
    writes only after them, which isolates the cost on the request path itself."""
    rt.settings.request_log_max_pending = 10 * ROUNDS * n  # the bench floods: keep every line
    rt.settings.request_log_flush_seconds = 2.0 if write_while_timing else 3600.0
    rt.settings.request_log_batch = 2000 if write_while_timing else 100 * ROUNDS * n
    writer = RequestLogWriter(rt)
    logged = TrafficLogMiddleware(inner, writer)
    writer.start()
    plain_s, logged_s = float("inf"), float("inf")
    try:
        best(inner, method, path, body, n // 10, rounds=1)  # warm up
        for _ in range(ROUNDS):
            plain_s = min(plain_s, best(inner, method, path, body, n, rounds=1))
            logged_s = min(logged_s, best(logged, method, path, body, n, rounds=1))
    finally:
        writer.stop()
    return {
        "plain_us": round(plain_s * 1e6, 2),
        "logged_us": round(logged_s * 1e6, 2),
        "overhead_us": round((logged_s - plain_s) * 1e6, 2),
        "overhead_pct": round((logged_s / plain_s - 1) * 100, 1),
        "requests_logged": n * ROUNDS,
        "lines_written": writer.written,
        "lines_dropped": writer.dropped,
    }


def writer_throughput(rt: Runtime, lines: int) -> float:
    writer = RequestLogWriter(rt)
    writer.batch = lines + 1  # no early wake-up: one timed flush
    now = clock.now_us()
    for i in range(lines):
        writer.record(now, f"203.0.{i % 256}.{i % 200}", "GET", f"/portal/x{i % 40}", 200, HEADERS)
    started = time.perf_counter()
    written = writer.flush()
    return written / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=50_000)
    parser.add_argument("--writer-lines", type=int, default=50_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with scratch_runtime(args.database_url) as rt:
        backend = rt.engine.dialect.name
        raw = measure(rt, raw_app, "GET", "/portal", b"", args.requests, write_while_timing=False)
        post = measure(
            rt,
            json_app(),
            "POST",
            "/api/v1/telemetry/events",
            BODY,
            args.requests // 10,
            write_while_timing=True,
        )
        per_s = writer_throughput(rt, args.writer_lines)
        with rt.sessions() as s:
            stored = s.execute(select(func.count()).select_from(MaskedRequest)).scalar_one()
    issued = raw["requests_logged"] + post["requests_logged"] + args.writer_lines
    save(
        f"request_log-{backend}",
        {
            "benchmark": "request_log",
            "backend": backend,
            "requests": args.requests,
            "request_path_overhead_us": raw["overhead_us"],
            "writer_us_per_line": round(1e6 / per_s, 1),
            "amortized_us_per_request": round(raw["overhead_us"] + 1e6 / per_s, 1),
            "writer_lines_per_s": round(per_s),
            "raw_asgi_writer_idle": raw,
            "json_post_100_events_writer_running": post,
            "lines_stored": stored,
            "lines_lost": issued - stored,
        },
    )


if __name__ == "__main__":
    main()
