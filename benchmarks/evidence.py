"""How long the evidence report (B04) takes on a demo-sized system, and which checks cost most.

    python benchmarks/evidence.py [--runs 5] [--customers 300] [--devices 400] [--days 30]
                                  [--data-dir DIR] [--database-url URL]

Builds the demo the way `imbplus demo --no-serve` does (the real command, in a subprocess,
in a temporary data directory; or reuses --data-dir when it already holds one), then times
`evidence.run_all` several times in this process (one runtime, as the command uses) and
reports the first (cold: it builds the web app), shortest and median wall time with each
check's own seconds (median over the runs, slowest first), then times the whole
`imbplus evidence` command once (`command_s`). The target: the command within 5 s on the demo.
Prints one JSON line and saves it in benchmarks/results/evidence.json.
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

from benchmarks.common import demo_arguments, ensure_demo, imbplus, save
from imbplus.compliance import evidence
from imbplus.runtime import Runtime
from imbplus.settings import Settings


def measure(data_dir: Path, database_url: str | None, runs: int) -> dict[str, Any]:
    rt = Runtime(Settings(data_dir=data_dir, database_url=database_url))
    try:
        totals: list[float] = []
        per_check: dict[str, list[float]] = {}
        statuses: dict[str, str] = {}
        for _ in range(runs):
            started = time.perf_counter()
            report = evidence.run_all(rt)
            totals.append(time.perf_counter() - started)
            for c in report["checks"]:
                key = f"{c['clause']} {c['title']}"
                per_check.setdefault(key, []).append(c["seconds"])
                statuses[key] = c["status"]
        medians = {k: statistics.median(v) for k, v in per_check.items()}
        slowest = sorted(medians.items(), key=lambda kv: -kv[1])
        return {
            "checks": len(per_check),
            "first_run_s": round(totals[0], 3),  # builds the web app once, as the command does
            "run_all_min_s": round(min(totals), 3),
            "run_all_median_s": round(statistics.median(totals), 3),
            "checks_not_passing": sorted(k for k, s in statuses.items() if s != "pass"),
            "slowest_checks_s": [[k, round(v, 3)] for k, v in slowest[:8]],
            "per_check_median_s": {k: round(v, 3) for k, v in slowest},
        }
    finally:
        rt.dispose()


def time_command(data_dir: Path, database_url: str | None) -> tuple[float, str]:
    """The whole `imbplus evidence` command (start-up, checks, storing, printing)."""
    seconds, done = imbplus(data_dir, database_url, "evidence")
    said = (done.stdout.strip().splitlines() or done.stderr.strip().splitlines() or [""])[-1]
    return seconds, f"exit {done.returncode}: {said}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    demo_arguments(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="imbplus-bench-evidence-") as tmp:
        data_dir = args.data_dir or Path(tmp)
        built = ensure_demo(data_dir, args)
        result = measure(data_dir, args.database_url, args.runs)
        seconds, said = time_command(data_dir, args.database_url)
        result["command_s"], result["command_said"] = round(seconds, 3), said
    backend = "postgresql" if args.database_url else "sqlite"
    save(
        "evidence",
        {
            "backend": backend,
            "runs": args.runs,
            "demo": {"customers": args.customers, "devices": args.devices, "days": args.days},
            "demo_build_s": built,
            "target_s": 5.0,
            **result,
        },
    )


if __name__ == "__main__":
    main()
