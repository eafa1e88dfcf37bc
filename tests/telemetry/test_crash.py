"""P02: a server killed with SIGKILL mid-stream loses no acknowledged event, and no partial
batch is ever visible to readers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter

import httpx
import pyarrow.compute as pc
import pyarrow.parquet as pq

from imbplus.runtime import Runtime
from imbplus.settings import Settings
from imbplus.telemetry.store import Store
from tests.support.cli import env_for
from tests.support.factories import make_customer, make_device
from tests.telemetry.helpers import at, ndjson

BATCH = 500
SERVE = (sys.executable, "-m", "imbplus", "serve", "--allow-sandbox")  # sandbox adapters


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, "server exited early"
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError("server did not start")


def _batch(number: int) -> bytes:
    return ndjson(
        [
            {"ts": at(30), "type": "channel_play", "channel": f"b{number}", "duration_s": k}
            for k in range(BATCH)
        ]
    )


def test_p02_sigkill_during_a_stream_loses_no_acknowledged_event(
    settings: Settings, rt: Runtime
) -> None:
    tokens = [make_device(rt, make_customer(rt).id)[1] for _ in range(4)]
    port = _free_port()
    proc = subprocess.Popen(
        [*SERVE, "--port", str(port), "--workers", "2"],
        env=env_for(settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    acked: set[int] = set()
    sent: set[int] = set()
    lock = threading.Lock()
    stop = threading.Event()
    numbers = iter(range(1_000_000))

    def client(token: str) -> None:
        with httpx.Client(timeout=10) as http:
            while not stop.is_set():
                with lock:
                    n = next(numbers)
                    sent.add(n)
                try:
                    answer = http.post(
                        f"http://127.0.0.1:{port}/api/v1/telemetry/events",
                        content=_batch(n),
                        headers={"Authorization": f"Bearer {token}"},
                    )
                except httpx.HTTPError:
                    return  # the server is gone
                if answer.status_code == 200:
                    with lock:
                        acked.add(n)

    try:
        _wait_ready(port, proc)
        threads = [threading.Thread(target=client, args=(t,)) for t in tokens]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 30
        while len(acked) < 40 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.killpg(proc.pid, signal.SIGKILL)  # the whole server, workers included, mid-stream
        proc.wait(timeout=10)
        stop.set()
        for t in threads:
            t.join(timeout=15)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert len(acked) >= 40

    store = Store(settings.telemetry_root)
    store.recover()
    counts: Counter[str] = Counter()
    for path in store.files():  # exactly what a reader sees
        table = pq.read_table(path)
        for value in pc.unique(table.column("channel")).to_pylist():
            counts[value] += pc.sum(pc.equal(table.column("channel"), value)).as_py()
    present = {int(name[1:]) for name in counts}
    assert acked <= present, f"acknowledged batches lost: {sorted(acked - present)[:5]}"
    assert all(c == BATCH for c in counts.values()), "a partial batch is visible"
    assert present <= sent
    assert len(present - acked) <= len(tokens)  # only requests in flight at the kill
