"""Pages and API under load, on the real server with 2 workers.

    python benchmarks/web.py [--seconds 8] [--customers 60] [--database-url URL]

Builds a scratch data directory with demo data (policy, customers, staff, a subscriber),
starts `imbplus serve --workers 2` on a free loopback port, waits for /healthz, then drives
each route with wrk (2 threads, 16 connections) when it is installed, or with a Python
load generator (16 threads of httpx) otherwise. Routes: /healthz, /, /offer, the portal
home with a subscriber's session, an API list of customers and an API read of one customer
(staff bearer token, both through the gate). Then restarts the workers (SIGHUP) while `/`
is under load and records whether every worker came back (uvicorn kills a worker that
does not answer its health check in time). Saves benchmarks/results/web.json and prints a
table. Goals: `/` and `/offer` at >= 50% of /healthz's req/s with p99 <= 100 ms; portal and
API p99 <= 150 ms; no errors.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import save
from benchmarks.load import Result, python_load, wrk_load
from imbplus.auth import sessions
from imbplus.bootstrap import init
from imbplus.customers import service as customer_service
from imbplus.demo import staff as demo_staff
from imbplus.demo.customers import DEMO_SUBSCRIBER, ensure_demo_subscriber, load
from imbplus.demo.policy import load as load_policy
from imbplus.runtime import Runtime
from imbplus.settings import Settings

WORKERS = 2
PUBLIC_SHARE = 0.5  # `/` and `/offer` against /healthz
PUBLIC_P99_MS = 100.0
SIGNED_IN_P99_MS = 150.0


@dataclass(frozen=True)
class Route:
    name: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    goal_p99_ms: float | None = None


@dataclass(frozen=True)
class Fixtures:
    data_dir: Path
    database_url: str | None
    staff_token: str
    staff_password: str
    subscriber_cookie: str
    customer_id: str


def build(data_dir: Path, database_url: str | None, customers: int) -> Fixtures:
    """Scratch runtime with demo data; a subscriber session and a staff token for the load."""
    rt = Runtime(Settings(data_dir=data_dir, database_url=database_url))
    try:
        init(rt)
        load_policy(rt)
        load(rt, customers)
        support = next(m for m in demo_staff.ensure_demo_staff(rt) if m.username == "support")
        ensure_demo_subscriber(rt)
        with rt.unit_of_work() as session:
            customer_id = customer_service.id_for_login(rt, session, DEMO_SUBSCRIBER.email)
            assert customer_id is not None
            new = sessions.start(session, rt.settings, "customer", customer_id, mfa_pending=False)
            cookie = f"{sessions.CUSTOMER_COOKIE}={new.token}"
        return Fixtures(
            data_dir, database_url, support.token, support.password, cookie, customer_id
        )
    finally:
        rt.dispose()


def routes(fx: Fixtures) -> list[Route]:
    api = {"Authorization": f"Bearer {fx.staff_token}", "X-Purpose": "service_delivery"}
    return [
        Route("healthz", "/healthz"),
        Route("home", "/", goal_p99_ms=PUBLIC_P99_MS),
        Route("offer", "/offer", goal_p99_ms=PUBLIC_P99_MS),
        Route("portal", "/portal", {"Cookie": fx.subscriber_cookie}, SIGNED_IN_P99_MS),
        Route("api_list", "/api/v1/customers?limit=20", api, SIGNED_IN_P99_MS),
        Route("api_read", f"/api/v1/customers/{fx.customer_id}", api, SIGNED_IN_P99_MS),
    ]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_healthy(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310 - loopback
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start") from None
            time.sleep(0.2)


@contextmanager
def server(fx: Fixtures, log: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`imbplus serve --workers 2` on a free loopback port; yields its URL and process."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMBPLUS_")}
    env["IMBPLUS_DATA_DIR"] = str(fx.data_dir)
    if fx.database_url:
        env["IMBPLUS_DATABASE_URL"] = fx.database_url
    command = [sys.executable, "-m", "imbplus", "serve", "--port", str(port)]
    command += ["--workers", str(WORKERS), "--allow-sandbox"]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(base, process, log)
            yield base, process
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def login_times(base: str, password: str, rounds: int = 5) -> dict[str, object]:
    """Staff login POSTs (password step) one at a time, on an idle server."""
    import httpx

    took: list[float] = []
    answers: set[int] = set()
    for _ in range(rounds):
        with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as client:
            form = client.get("/console/login")
            found = re.search(r'name="csrf" value="([^"]+)"', form.text)
            csrf = found.group(1) if found else ""
            started = time.perf_counter()
            answer = client.post(
                "/console/login", data={"username": "support", "password": password, "csrf": csrf}
            )
            took.append((time.perf_counter() - started) * 1000)
            answers.add(answer.status_code)
    took.sort()
    return {
        "median_ms": round(took[len(took) // 2], 1),
        "max_ms": round(took[-1], 1),
        "all_303": answers == {303},
    }


def workers_of(supervisor: int) -> set[int]:
    """Worker processes of the uvicorn supervisor (its spawned children)."""
    found: set[int] = set()
    for task in Path(f"/proc/{supervisor}/task").glob("*"):
        for pid in (task / "children").read_text().split():
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            if b"spawn_main" in cmdline:
                found.add(int(pid))
    return found


def restart_under_load(
    base: str, process: subprocess.Popen[bytes], seconds: float
) -> dict[str, object]:
    """SIGHUP (replace every worker) while `/` is under load; did all workers come back?"""
    before = workers_of(process.pid)
    runner = _start_load(base + "/", {}, seconds)
    time.sleep(min(2.0, seconds / 4))
    os.kill(process.pid, signal.SIGHUP)
    result = runner()
    deadline = time.monotonic() + 30
    after = workers_of(process.pid)
    while (len(after) < WORKERS or after & before) and time.monotonic() < deadline:
        time.sleep(0.5)
        after = workers_of(process.pid)
    return {
        "workers_before": len(before),
        "workers_after": len(after),
        "all_replaced": len(after) == WORKERS and not (after & before),
        "load_errors": result.errors,
        "load_requests": result.requests,
    }


def _start_load(url: str, headers: dict[str, str], seconds: float) -> Callable[[], Result]:
    """Load in the background; returns a function that waits for its result."""
    box: list[Result] = []
    thread = threading.Thread(target=lambda: box.append(drive(url, headers, seconds)))
    thread.start()

    def wait() -> Result:
        thread.join()
        return box[0]

    return wait


USE_WRK = shutil.which("wrk") is not None


def drive(url: str, headers: dict[str, str], seconds: float) -> Result:
    if USE_WRK:
        return wrk_load(url, headers, seconds)
    return python_load(url, headers, seconds)


def _goals(results: dict[str, Result], routes_: list[Route]) -> dict[str, bool]:
    health = results["healthz"].rps or 1.0
    met: dict[str, bool] = {}
    for route in routes_:
        r = results[route.name]
        ok = r.errors == 0
        if route.goal_p99_ms is not None:
            ok = ok and r.p99_ms <= route.goal_p99_ms
        if route.name in ("home", "offer"):
            ok = ok and r.rps >= PUBLIC_SHARE * health
        met[route.name] = ok
    return met


def _table(
    results: dict[str, Result],
    met: dict[str, bool],
    tool: str,
    restart: dict[str, object],
    load_avg: dict[str, float],
) -> None:
    from rich.console import Console
    from rich.table import Table

    health = results["healthz"].rps or 1.0
    table = Table(
        title=f"web under load ({tool}, {WORKERS} workers, load {os.getloadavg()[0]:.2f})"
    )
    columns = ("route", "req/s", "% healthz", "p50 ms", "p99 ms", "errors", "load 1m", "goal")
    for column in columns:
        table.add_column(column, justify="left" if column == "route" else "right")
    for name, r in results.items():
        table.add_row(
            name,
            f"{r.rps:.0f}",
            f"{100 * r.rps / health:.0f}%",
            f"{r.p50_ms:.1f}",
            f"{r.p99_ms:.1f}",
            str(r.errors),
            f"{load_avg[name]:.2f}",
            "met" if met[name] else "MISSED",
        )
    Console().print(table)
    if restart:
        Console().print(f"worker restart under load: {restart}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8.0, help="Load per route.")
    parser.add_argument("--customers", type=int, default=60)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--routes", default="", help="Comma-separated names (default: all).")
    parser.add_argument("--no-restart", action="store_true", help="Skip the restart check.")
    parser.add_argument("--python-load", action="store_true", help="Do not use wrk.")
    args = parser.parse_args()
    global USE_WRK
    USE_WRK = USE_WRK and not args.python_load
    tool = "wrk" if USE_WRK else "python"
    with tempfile.TemporaryDirectory(prefix="imbplus-web-") as tmp:
        fx = build(Path(tmp) / "data", args.database_url, args.customers)
        with server(fx, Path(tmp) / "server.log") as (base, process):
            wanted = set(filter(None, args.routes.split(","))) | {"healthz"}
            all_routes = [r for r in routes(fx) if not args.routes or r.name in wanted]
            results, load_avg = {}, {}
            for route in all_routes:
                load_avg[route.name] = round(os.getloadavg()[0], 2)
                results[route.name] = drive(base + route.path, route.headers, args.seconds)
            login = login_times(base, fx.staff_password)
            restart: dict[str, object] = {}
            if not args.no_restart:
                restart = restart_under_load(base, process, args.seconds)
        log_text = (Path(tmp) / "server.log").read_text(errors="replace")
    met = _goals(results, all_routes)
    if restart:
        restart["died"] = len(re.findall(r"Child process \[\d+\] died", log_text))
        restart["not_ready_in_time"] = len(re.findall(r"not ready in time", log_text))
    _table(results, met, tool, restart, load_avg)
    print(f"staff login (password step): {login}")
    backend = "postgresql" if args.database_url else "sqlite"
    save(
        "web",
        {
            "benchmark": "web",
            "tool": tool,
            "backend": backend,
            "workers": WORKERS,
            "seconds_per_route": args.seconds,
            "routes": {
                name: {**asdict(r), "load_avg_1m_before": load_avg[name]}
                for name, r in results.items()
            },
            "goals_met": met,
            "restart_under_load": restart,
            "staff_login": login,
        },
    )


if __name__ == "__main__":
    main()
