"""How long the P05 canary scan takes on a demo-sized system, and how much it reads.

    python benchmarks/canary.py [--runs 3] [--customers 300] [--devices 400] [--days 30]
                                [--data-dir DIR] [--database-url URL]

Builds the demo the way `imbplus demo --no-serve` does (the real command, in a subprocess,
in a temporary data directory; or reuses --data-dir when it already holds one), plants the
canary with `imbplus canary plant` (the demo plants it too: nothing new then), then runs
the check "No canary value appears in plain text in any store" (by its title) several
times in this process and reports the shortest and median wall time with the check's own
figures (bytes, files, rows and tables scanned, error pages asked).
Prints one JSON line and saves it in benchmarks/results/canary-<backend>.json.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import demo_arguments, ensure_demo, imbplus_ok, save
from imbplus.compliance import evidence
from imbplus.compliance.evidence_canary import TITLE
from imbplus.runtime import Runtime
from imbplus.settings import Settings


def measure(data_dir: Path, database_url: str | None, runs: int) -> dict[str, Any]:
    (check,) = [c for c in evidence.checks() if c.title == TITLE]
    rt = Runtime(Settings(data_dir=data_dir, database_url=database_url))
    try:
        times: list[float] = []
        outcome = None
        for _ in range(runs):
            started = time.perf_counter()
            outcome = check.run(rt)
            times.append(time.perf_counter() - started)
        assert outcome is not None
        return {
            "backend": rt.engine.dialect.name,
            "status": "pass"
            if outcome.passed
            else "not exercised"
            if not outcome.exercised
            else "fail",
            "check_s_best": round(min(times), 2),
            "check_s_median": round(statistics.median(times), 2),
            "runs": runs,
            "figures": outcome.figures,
        }
    finally:
        rt.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    demo_arguments(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="imbplus-canary-") as tmp:
        data_dir = args.data_dir or Path(tmp)
        demo_s = ensure_demo(data_dir, args)
        plant_s = round(imbplus_ok(data_dir, args.database_url, "canary", "plant"), 2)
        result = measure(data_dir, args.database_url, args.runs)
    save(
        f"canary-{result['backend']}",
        {
            **result,
            "demo": {"customers": args.customers, "devices": args.devices, "days": args.days},
            "demo_build_s": demo_s,
            "plant_command_s": plant_s,
        },
    )


if __name__ == "__main__":
    main()
