"""Days the analytics can read.

A day whose files cannot be read (text that is not UTF-8, written before ingest refused
it; a file damaged on disk) must not take every report down. When a query fails, each day
is probed on its own; the broken ones are left out of the views, the reports run on the
others and name what they left out. A broken day stays known while its files are unchanged
(names, sizes, times), so later reports skip it without probing again.
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import duckdb

from imbplus.telemetry import rollup
from imbplus.telemetry.store import Store

Signature = tuple[tuple[str, int, int], ...]
_TEXT = ("type", "channel", "content_id", "error_code", "firmware", "model", "region")
_known: dict[Path, dict[date, tuple[Signature, str]]] = {}
_lock = threading.Lock()


def _groups(store: Store, day: date) -> list[list[Path]]:
    """The day's events files, then its rollup files kind by kind (one schema each)."""
    groups = [store.files(day)] + [rollup.rollup_files(store, k, day) for k in rollup.KINDS]
    return [g for g in groups if g]


def _files(store: Store, day: date) -> list[Path]:
    return [f for group in _groups(store, day) for f in group]


def _signature(files: list[Path]) -> Signature:
    out = []
    for f in files:
        try:
            st = f.stat()
        except FileNotFoundError:
            continue
        out.append((str(f), st.st_size, st.st_mtime_ns))
    return tuple(out)


def _listing(files: list[Path]) -> str:
    return ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)


def problem_of(groups: list[list[Path]]) -> str | None:
    """None when every file reads whole (every text value decoded); else what is wrong."""
    con = duckdb.connect()
    try:
        for files in groups:
            # built only from our own paths and from column names of our own list
            source = f"read_parquet([{_listing(files)}])"
            described = con.sql(f"DESCRIBE SELECT * FROM {source}")  # noqa: S608
            names = [row[0] for row in described.fetchall()]
            probe = " + ".join(f"sum(length({c}))" for c in names if c in _TEXT) or "0"
            con.execute(f"SELECT count(*), {probe} FROM {source}")  # noqa: S608
    except duckdb.Error as error:
        said = str(error)
        return "text that is not UTF-8" if "UTF8" in said or "UTF-8" in said else "damaged file"
    finally:
        con.close()
    return None


def broken(store: Store) -> dict[date, str]:
    """Broken days already found whose files have not changed since, with the problem."""
    with _lock:
        known = _known.get(store.root, {})
        out = {}
        for day, (signature, problem) in list(known.items()):
            if _signature(_files(store, day)) == signature:
                out[day] = problem
            else:
                del known[day]
        return out


def find_broken(store: Store) -> dict[date, str]:
    """Probe every day not known broken; remember and return all broken days."""
    known = broken(store)
    for day in store.days():
        if day in known:
            continue
        groups = _groups(store, day)
        problem = problem_of(groups)
        if problem is not None:
            known[day] = problem
            signature = _signature([f for group in groups for f in group])
            with _lock:
                _known.setdefault(store.root, {})[day] = (signature, problem)
    return known
