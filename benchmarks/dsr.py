"""How long the subject's own copy (B01, GDPR art. 15) takes with millions of activity events
stored: per customer, the whole copy (every domain's part, the boxes' activity, recipients,
accesses, categories) and the ZIP, split into the time that does not grow with the person's
own events and the time spent writing those events.

    python benchmarks/dsr.py [--devices 8000] [--days 30] [--customers 20] [--data-dir DIR]

Seeds the store the way `imbplus seed` does (boxes for fictitious customers, realistic
activity; about 45 events per box and day: 8,000 boxes for 30 days is about 10 million
events) in a scratch data directory, or reuses --data-dir. Then, for customers with boxes,
builds each copy as the DPO would (one unit of work, purpose data_subject_request) and
writes its ZIP to memory. Goal: at most 200 ms per customer plus the time to write their
own events. Prints one JSON line and saves benchmarks/results/dsr.json.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select

from benchmarks.common import save
from imbplus.bootstrap import init
from imbplus.compliance import subject_copy
from imbplus.demo import boxes
from imbplus.devices.models import Device
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.runtime import Runtime
from imbplus.settings import Settings
from imbplus.telemetry.store import Store

GOAL_MS = 200.0


def _customers_with_boxes(rt: Runtime, n: int) -> list[str]:
    with rt.sessions() as s:
        ids = s.execute(
            select(Device.customer_id).where(Device.customer_id.is_not(None)).distinct().limit(n)
        ).scalars()
        return [str(i) for i in ids]


def _one(rt: Runtime, store: Store, customer_id: str) -> dict[str, float]:
    started = time.perf_counter()
    with rt.unit_of_work() as session:
        ctx = Context(session, rt, Actor.system("cli"), Purpose.DATA_SUBJECT_REQUEST)
        copy = subject_copy.build(ctx, customer_id, store)
    built = time.perf_counter()
    subject_copy.write_zip(copy, io.BytesIO())
    done = time.perf_counter()
    # the same ZIP without the person's events: the difference is writing their own events
    events, copy.activity = copy.activity, []
    bare_started = time.perf_counter()
    subject_copy.write_zip(copy, io.BytesIO())
    bare_s = time.perf_counter() - bare_started
    own_ms = max(0.0, ((done - built) - bare_s) * 1000)
    total_ms = (done - started) * 1000
    return {
        "events": float(len(events)),
        "total_ms": total_ms,
        "build_ms": (built - started) * 1000,
        "own_events_write_ms": own_ms,
        "fixed_ms": total_ms - own_ms,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=8000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--customers", type=int, default=20)
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="imbplus-bench-dsr-") as tmp:
        rt = Runtime(Settings(data_dir=args.data_dir or Path(tmp)))
        init(rt)
        seeded_s = None
        store = Store(rt.settings.telemetry_root)
        if not store.has_data():
            started = time.perf_counter()
            report = boxes.seed(rt, args.devices, args.days, lambda *_a: None)
            seeded_s = round(time.perf_counter() - started, 1)
        stored = store_events(store)
        customers = _customers_with_boxes(rt, args.customers + 1)
        first = _one(rt, store, customers[0])  # cold: opens DuckDB and pyarrow's readers
        runs = [_one(rt, store, c) for c in customers[1:]]
        rt.dispose()
    fixed = [r["fixed_ms"] for r in runs]
    result: dict[str, Any] = {
        "benchmark": "subject_copy",
        "events_stored": stored,
        "devices": args.devices,
        "days": args.days,
        "seed_s": seeded_s,
        "customers": len(runs),
        "own_events_median": statistics.median(r["events"] for r in runs),
        "fixed_ms_median": round(statistics.median(fixed), 1),
        "fixed_ms_max": round(max(fixed), 1),
        "own_events_write_ms_median": round(
            statistics.median(r["own_events_write_ms"] for r in runs), 1
        ),
        "total_ms_median": round(statistics.median(r["total_ms"] for r in runs), 1),
        "first_customer_ms_cold": round(first["total_ms"], 1),
        "goal_fixed_ms": GOAL_MS,
        "goal_met": max(fixed) <= GOAL_MS,
    }
    if seeded_s is not None:
        result["seeded_events"] = report.events
    save("dsr", result)


def store_events(store: Store) -> int:
    import duckdb

    con = duckdb.connect()
    try:
        row = con.execute(
            f"SELECT count(*) FROM read_parquet('{store.pattern}', hive_partitioning = true)"  # noqa: S608
        ).fetchone()
    finally:
        con.close()
    return int(row[0]) if row else 0


if __name__ == "__main__":
    main()
