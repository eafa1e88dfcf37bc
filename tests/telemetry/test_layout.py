"""The dataset as other engines read it: Hive-style day partitions of plain Parquet files,
read as they are (batch files and a compacted day, a crash's hidden leftovers beside them)
by DuckDB's `read_parquet(..., hive_partitioning = true)` and by
`pyarrow.dataset.dataset(..., partitioning="hive")`, as Spark or Trino would read them from
shared storage (docs/devices-and-telemetry.md, "The dataset for other engines")."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow.dataset as ds
import pytest

from imbplus.clock import clock
from imbplus.telemetry.generator import day_events, synthetic_fleet
from imbplus.telemetry.maintenance import compact_store
from imbplus.telemetry.store import EVENT_SCHEMA, Store


@dataclass
class Written:
    store: Store
    per_day: Counter[str]  # events per UTC day, counted from what was written


@pytest.fixture
def written(tmp_path: Path) -> Written:
    store = Store(tmp_path / "telemetry")
    rng = np.random.default_rng(7)
    fleet = synthetic_fleet(12, rng)
    per_day: Counter[str] = Counter()
    for back in (3, 2, 2, 1):  # day -2 gets two batches
        table = day_events(fleet, clock.now().date() - timedelta(days=back), rng)
        per_day.update(ts.date().isoformat() for ts in table.column("ts").to_pylist())
        for path in store.write_batch(table):
            assert path.parent.name.startswith("day=") and path.suffix == ".parquet"
    compact_store(store, min_files=2)  # day -2 becomes one file; the others stay batch files
    # what a crash leaves: a hidden temporary file and a journal directory, never read
    some_day = next(store.events.glob("day=*"))
    (some_day / ".123-1-abcd.parquet.tmp").write_bytes(b"half a file")
    store.journal.mkdir(parents=True, exist_ok=True)
    return Written(store, per_day)


def _per_day(store: Store) -> dict[str, int]:
    table = ds.dataset(store.events, format="parquet", partitioning="hive").to_table()
    days = table.column("day").to_pylist()
    return {str(d): days.count(d) for d in set(days)}


def test_duckdb_reads_the_days_as_a_partition_column(written: Written) -> None:
    s, expected = written.store, dict(written.per_day)
    con = duckdb.connect()
    source = f"read_parquet('{s.events}/*/*.parquet', hive_partitioning = true)"
    rows = con.execute(f"SELECT day, count(*) FROM {source} GROUP BY day ORDER BY day").fetchall()  # noqa: S608
    assert {str(day): n for day, n in rows} == expected
    names = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]  # noqa: S608
    assert names == [*EVENT_SCHEMA.names, "day"]
    one = min(expected)
    pruned = con.execute(
        f"SELECT count(*) FROM {source} WHERE day = DATE '{one}'"  # noqa: S608
    ).fetchone()
    assert pruned is not None and pruned[0] == expected[one]


def test_pyarrow_reads_the_same_dataset_with_hive_partitioning(written: Written) -> None:
    s = written.store
    dataset = ds.dataset(s.events, format="parquet", partitioning="hive")
    assert dataset.schema.names == [*EVENT_SCHEMA.names, "day"]
    for field in EVENT_SCHEMA:
        assert dataset.schema.field(field.name).type == field.type
    assert all(not Path(f).name.startswith((".", "_")) for f in dataset.files)
    assert _per_day(s) == dict(written.per_day)
    with duckdb.connect() as con:
        total = con.execute(
            f"SELECT count(*) FROM read_parquet('{s.events}/*/*.parquet')"  # noqa: S608
        ).fetchone()
    assert total is not None and total[0] == dataset.count_rows()
