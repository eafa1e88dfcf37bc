"""Analytics speed on a large store: trend and health queries over ~50 million events.

    python benchmarks/telemetry_query.py [--events 50000000] [--boxes 50000]

Events are generated straight into Parquet by the vectorized load generator (one set of
files per day), compacted with their daily rollups as the daily job does, then each
report's SQL runs on DuckDB over the whole window: on the rollups (the production path)
and, for comparison, on the raw events alone (`*_raw_query_s`). Prints one
JSON line and saves it in benchmarks/results/telemetry_query.json. Goal: each query < 2 s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from rich.progress import Progress

from benchmarks.common import save
from imbplus.clock import clock
from imbplus.telemetry import maintenance, queries
from imbplus.telemetry.generator import day_events, synthetic_fleet
from imbplus.telemetry.store import Store


def fill(store: Store, events: int, boxes: int) -> tuple[int, int, float]:
    rng = np.random.default_rng(2026)
    fleet = synthetic_fleet(boxes, rng)
    today = clock.now().date()
    written, days = 0, 0
    started = time.perf_counter()
    with Progress(transient=True) as bar:
        task = bar.add_task("generating events", total=events)
        while written < events:
            day = today - timedelta(days=days)
            table = day_events(fleet, day, rng, not_after_ms=clock.now_us() // 1000)
            store.write_batch(table)
            written += table.num_rows
            days += 1
            bar.update(task, completed=min(written, events))
    return written, days, time.perf_counter() - started


def timed(fn, runs: int = 2) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=50_000_000)
    parser.add_argument("--boxes", type=int, default=50_000)
    parser.add_argument("--keep", type=Path, default=None, help="Keep (and reuse) the data here.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="imbplus-bench-query-") as tmp:
        store = Store((args.keep or Path(tmp)) / "telemetry")
        if args.keep and store.has_data():
            con = queries.connect(store)
            assert con is not None
            events = int(con.execute("SELECT count(*) FROM events").fetchone()[0])  # type: ignore[index]
            days, gen_s = len(store.days()) - 1, float("nan")
            con.close()
        else:
            events, days, gen_s = fill(store, args.events, args.boxes)
        started = time.perf_counter()
        compacted = maintenance.compact_store(store, min_files=2).rollups
        rollup_s = time.perf_counter() - started
        files = len(store.files())
        size = sum(f.stat().st_size for f in store.files())
        window = queries.Window(clock.now().date() - timedelta(days=days), clock.now().date())
        now = clock.now()
        times: dict[str, float] = {}
        for label, use_rollups in (("", True), ("_raw", False)):
            con = queries.connect(store, use_rollups=use_rollups)
            assert con is not None
            times[f"health{label}_query_s"], health = timed(
                lambda con=con: queries.health_sql(con, window, now)
            )
            times[f"trends{label}_query_s"], trend = timed(
                lambda con=con: queries.trends_sql(con, window)
            )
            times[f"regions{label}_query_s"], _ = timed(
                lambda con=con: queries.regions_sql(con, window)
            )
            times[f"vod{label}_query_s"], _ = timed(lambda con=con: queries.vod_sql(con, window))
            con.close()
    assert isinstance(health, queries.Health) and isinstance(trend, queries.Trends)
    save(
        "telemetry_query",
        {
            "benchmark": "telemetry_query",
            "events": events,
            "boxes": args.boxes,
            "days": days,
            "files": files,
            "store_mb": round(size / 1e6, 1),
            "generate_s": round(gen_s, 1) if gen_s == gen_s else None,
            "generate_events_per_s": round(events / gen_s) if gen_s == gen_s else None,
            "rollup_days": compacted,
            "rollup_build_s": round(rollup_s, 1),
            **{k: round(v, 3) for k, v in sorted(times.items())},
            "query_goal_max_s": 2.0,
            "health_boxes": health.boxes,
            "top_channel": trend.channels[0]["channel"] if trend.channels else None,
        },
    )


if __name__ == "__main__":
    main()
