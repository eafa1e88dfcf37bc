"""Shared helpers for benchmark scripts: a throwaway runtime and JSON result files."""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import imbplus.app
from imbplus.bootstrap import init
from imbplus.runtime import Runtime
from imbplus.settings import Settings

RESULTS = Path(__file__).parent / "results"


@contextmanager
def scratch_runtime(database_url: str | None = None) -> Iterator[Runtime]:
    with tempfile.TemporaryDirectory(prefix="imbplus-bench-") as tmp:
        rt = Runtime(Settings(data_dir=Path(tmp), database_url=database_url))
        init(rt)
        try:
            yield rt
        finally:
            rt.dispose()


def best_of(runs: int, fn: Any) -> float:
    """Shortest wall time of `runs` calls, in seconds."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def save(name: str, result: dict[str, Any]) -> None:
    result = {
        **result,
        "machine": {
            "python": platform.python_version(),
            "cpu_count": __import__("os").cpu_count(),
            "load_avg_1m": round(__import__("os").getloadavg()[0], 2),
        },
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    RESULTS.mkdir(exist_ok=True)
    line = json.dumps(result, sort_keys=True)
    (RESULTS / f"{name}.json").write_text(line + "\n")
    print(line)


def demo_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of a benchmark that runs on a demo-sized system."""
    parser.add_argument("--customers", type=int, default=300)
    parser.add_argument("--devices", type=int, default=400)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--database-url", default=None)


def imbplus(
    data_dir: Path, database_url: str | None, *args: str
) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run the real `imbplus` command on `data_dir`; its wall time and what it answered."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMBPLUS_")}
    env["IMBPLUS_DATA_DIR"] = str(data_dir)
    if database_url:
        env["IMBPLUS_DATABASE_URL"] = database_url
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "imbplus", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return time.perf_counter() - started, done


def imbplus_ok(data_dir: Path, database_url: str | None, *args: str) -> float:
    """As `imbplus`, stopping the benchmark when the command fails; its wall time."""
    seconds, done = imbplus(data_dir, database_url, *args)
    if done.returncode != 0:
        raise SystemExit(f"imbplus {args[0]} failed: {done.stderr[-2000:]}")
    return seconds


def ensure_demo(data_dir: Path, args: argparse.Namespace) -> float | None:
    """Build the demo the way `imbplus demo --no-serve` does, unless `data_dir` holds one;
    the seconds it took (None when it was already there)."""
    if (data_dir / "master.key").exists():
        return None
    demo = ("demo", "--no-serve", "--customers", str(args.customers))
    sizes = ("--devices", str(args.devices), "--days", str(args.days))
    return round(imbplus_ok(data_dir, args.database_url, *demo, *sizes), 1)
