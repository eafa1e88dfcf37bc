"""HTTP load for the web benchmark: wrk when installed, else a Python load generator.

Both keep 16 connections busy for a fixed time and count as an error every answer that is
not 200 (a redirect to a login page is an error here) and every failed connection.
"""

from __future__ import annotations

import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

CONNECTIONS = 16
THREADS = 2

# Runs inside wrk: counts answers other than 200 per thread, then prints one line.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body) if status ~= 200 then bad = bad + 1 end end
function done(summary, latency, requests)
  local not_ok = 0
  for _, t in ipairs(threads) do not_ok = not_ok + (t:get("bad") or 0) end
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, not_ok,
    latency:percentile(50), latency:percentile(99)))
end
"""


@dataclass(frozen=True)
class Result:
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int  # failed + not_200
    failed: int = 0  # connect, read or write errors and timeouts (5 s)
    not_200: int = 0


def wrk_load(url: str, headers: dict[str, str], seconds: float) -> Result:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds:.0f}s"]
        command += ["--timeout", "5s", "-s", script.name]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        out = subprocess.run(
            [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 60
        ).stdout
    finally:
        Path(script.name).unlink()
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    requests, duration_us, failed, not_ok, p50_us, p99_us = (int(v) for v in line.split()[1:])
    return Result(
        requests=requests,
        rps=round(requests / (duration_us / 1e6), 1),
        p50_ms=round(p50_us / 1000, 2),
        p99_ms=round(p99_us / 1000, 2),
        errors=failed + not_ok,
        failed=failed,
        not_200=not_ok,
    )


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def python_load(url: str, headers: dict[str, str], seconds: float) -> Result:
    """16 threads, each with its own keep-alive connection (httpx)."""
    import httpx

    latencies: list[list[float]] = [[] for _ in range(CONNECTIONS)]
    errors = [0] * CONNECTIONS
    failures = [0] * CONNECTIONS
    deadline = time.perf_counter() + seconds

    def worker(n: int) -> None:
        with httpx.Client(headers=headers, timeout=5, follow_redirects=False) as client:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                try:
                    ok = client.get(url).status_code == 200
                except httpx.HTTPError:
                    ok = False
                    failures[n] += 1
                latencies[n].append(time.perf_counter() - started)
                errors[n] += not ok

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    flat = [x for part in latencies for x in part]
    return Result(
        requests=len(flat),
        rps=round(len(flat) / elapsed, 1),
        p50_ms=round(_percentile(flat, 0.50) * 1000, 2),
        p99_ms=round(_percentile(flat, 0.99) * 1000, 2),
        errors=sum(errors),
        failed=sum(failures),
        not_200=sum(errors) - sum(failures),
    )
