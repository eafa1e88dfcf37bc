"""What the gate costs: reading customers through it vs a plain ORM read; audit speed.

    python benchmarks/gate.py [--rows 10000] [--verify-records 1000000] [--database-url URL]

Prints one JSON line and saves it in benchmarks/results/gate-<backend>.json.
Goals: ratio (gate / plain time) <= 2; audit appends >= 20,000/s on SQLite.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rich.progress import Progress
from sqlalchemy import select

from benchmarks.common import best_of, save, scratch_runtime
from imbplus.customers import service as customers
from imbplus.customers.models import Customer
from imbplus.demo.customers import fake_customers
from imbplus.privacy import audit
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.runtime import Runtime


def seed(rt: Runtime, rows: int) -> None:
    people = list(fake_customers(rows, seed=7))
    with Progress(transient=True) as bar:
        task = bar.add_task("seeding customers", total=rows)
        for start in range(0, rows, 1000):
            with rt.job("demo", Purpose.SERVICE_DELIVERY) as ctx:
                for person in people[start : start + 1000]:
                    customers.create(ctx, person)
            bar.advance(task, min(1000, rows - start))


def plain_read(rt: Runtime) -> int:
    with rt.sessions() as s:
        rows = s.execute(select(Customer)).scalars().all()
        return sum(len(r.email_ct or b"") for r in rows)


def gate_read(rt: Runtime) -> int:
    with rt.unit_of_work() as s:
        ctx = Context(s, rt, Actor.staff(1, ["support"]), Purpose.SERVICE_DELIVERY)
        revealed = customers.read_many(ctx)
        return sum(len(r.email) for r in revealed)


def audit_appends(rt: Runtime, total: int, batch: int = 1000) -> float:
    entry = audit.Entry(
        "staff",
        "1",
        "support",
        "service_delivery",
        "contact,identity",
        "00000000-0000-4000-8000-000000000000",
        "customer.read",
        "allowed",
        None,
        "bench",
    )
    started = time.perf_counter()
    for _ in range(total // batch):
        with rt.unit_of_work() as s:
            audit.queue(s, [entry] * batch)
    return total / (time.perf_counter() - started)


def verify_speed(rt: Runtime, records: int) -> dict[str, float]:
    with rt.sessions() as s:
        have = audit.count(s)
    missing = max(0, records - have)
    entry = audit.Entry(
        "system",
        "bench",
        "system:bench",
        "security",
        "reference",
        None,
        "bench.fill",
        "done",
        None,
        "bench",
    )
    with Progress(transient=True) as bar:
        task = bar.add_task("filling audit log", total=missing)
        for start in range(0, missing, 20_000):
            n = min(20_000, missing - start)
            with rt.unit_of_work() as s:
                audit.queue(s, [entry] * n)
            bar.advance(task, n)
    with rt.sessions() as s:
        started = time.perf_counter()
        result = audit.verify(s, rt.checkpoint)
        elapsed = time.perf_counter() - started
    assert result.ok, result.problem
    return {
        "verify_records": result.records,
        "verify_s": round(elapsed, 2),
        "verify_records_per_s": round(result.records / elapsed),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--appends", type=int, default=200_000)
    parser.add_argument("--verify-records", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with scratch_runtime(args.database_url) as rt:
        backend = rt.engine.dialect.name
        seed(rt, args.rows)
        assert plain_read(rt) > 0 and gate_read(rt) > 0  # warm both paths
        plain_s = best_of(3, lambda: plain_read(rt))
        gate_s = best_of(3, lambda: gate_read(rt))
        appends = audit_appends(rt, args.appends)
        verify = verify_speed(rt, args.verify_records)
    save(
        f"gate-{backend}",
        {
            "benchmark": "gate",
            "backend": backend,
            "rows": args.rows,
            "gate_rows_per_s": round(args.rows / gate_s),
            "plain_rows_per_s": round(args.rows / plain_s),
            "ratio": round(gate_s / plain_s, 2),
            "ratio_goal_max": 2,
            "audit_appends_per_s": round(appends),
            "audit_appends_goal_min": 20_000,
            **verify,
        },
    )


if __name__ == "__main__":
    main()
