"""Shared helpers for benchmark scripts: a throwaway runtime and JSON result files."""

from __future__ import annotations

import json
import platform
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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
