"""`anonymize`: a table in, the least-generalized release that satisfies the models out.

The engine knows nothing of files: it takes an Arrow table (or a dict of columns of
strings) and returns an Arrow table and a report. The CSV layer is `csvio`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from imbplus.anonymize import metrics
from imbplus.anonymize.encoding import Column, Groups, Sensitive, encode
from imbplus.anonymize.errors import AnonymizationError
from imbplus.anonymize.hierarchies import Hierarchy
from imbplus.anonymize.lattice import Lattice, Outcome, Progress, Search
from imbplus.anonymize.models import Classes, Criteria, evaluate
from imbplus.anonymize.rollup import Evaluator

Data: TypeAlias = pa.Table | Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class Result:
    table: pa.Table  # the release: input columns less the dropped ones, suppressed rows out
    report: dict[str, Any]
    node: dict[str, int]  # the level chosen per quasi-identifier
    kept_rows: npt.NDArray[np.int64]  # input row of each released row, in order

    def columns(self) -> dict[str, list[str]]:
        return {name: list(values) for name, values in self.table.to_pydict().items()}


def _as_table(data: Data) -> pa.Table:
    if isinstance(data, pa.Table):
        return data
    return pa.table(
        {name: pa.array(list(values), type=pa.string()) for name, values in data.items()}
    )


def _check_columns(
    table: pa.Table, quasi: Sequence[str], sensitive: str | None, drop: Sequence[str]
) -> None:
    known = table.column_names
    for name in [*quasi, *([sensitive] if sensitive else []), *drop]:
        if name not in known:
            raise AnonymizationError(f"unknown column {name!r} (columns: {', '.join(known)})")
    if not quasi:
        raise AnonymizationError("name at least one quasi-identifier column")
    if len(set(quasi)) != len(quasi):
        raise AnonymizationError("a quasi-identifier column is named twice")
    if sensitive is not None and sensitive in quasi:
        raise AnonymizationError(f"column {sensitive!r} is both quasi-identifier and sensitive")
    for name in drop:
        if name in quasi or name == sensitive:
            raise AnonymizationError(f"column {name!r} is to be dropped and also used")


def _check_parameters(
    rows: int,
    k: int,
    l: int | None,  # noqa: E741  (the model's name)
    t: float | None,
    suppress: float,
    sensitive: str | None,
) -> None:
    if rows == 0:
        raise AnonymizationError("the table has no rows")
    if k < 2:
        raise AnonymizationError(f"k must be at least 2 (got {k})")
    if k > rows:
        raise AnonymizationError(f"k={k} is larger than the table ({rows} rows)")
    if (l is not None or t is not None) and sensitive is None:
        raise AnonymizationError("l-diversity and t-closeness need a sensitive column")
    if l is not None and l < 1:
        raise AnonymizationError(f"l must be at least 1 (got {l})")
    if t is not None and not 0 <= t <= 1:
        raise AnonymizationError(f"t must lie between 0 and 1 (got {t})")
    if not 0 <= suppress < 1:
        raise AnonymizationError(f"the suppression limit must lie in [0, 1) (got {suppress})")


def _no_node(criteria: Criteria, rows: int, suppress: float, top: Classes) -> AnonymizationError:
    models = [f"k={criteria.k}"]
    models += [f"l={criteria.l}"] if criteria.l is not None else []
    models += [f"t={criteria.t}"] if criteria.t is not None else []
    return AnonymizationError(
        f"no generalization satisfies {', '.join(models)} within the suppression budget of "
        f"{criteria.budget} rows ({suppress:.1%} of {rows}); the most general node still "
        f"fails for {top.suppressed} rows: allow more suppression or give hierarchies "
        "that generalize further"
    )


def _release(
    table: pa.Table,
    columns: Sequence[Column],
    groups: Groups,
    node: Sequence[int],
    classes: Classes,
    drop: Sequence[str],
) -> tuple[pa.Table, npt.NDArray[np.int64]]:
    kept_rows = np.flatnonzero(~classes.failing[classes.group_class[groups.row_group]])
    take = pa.array(kept_rows)
    generalized = {}
    for j, (column, level) in enumerate(zip(columns, node, strict=True)):
        codes = column.maps[level][groups.codes[groups.row_group[kept_rows], j]]
        generalized[column.name] = column.labels[level].take(pa.array(codes))
    out = {}
    for name in table.column_names:
        if name in drop:
            continue
        out[name] = generalized[name] if name in generalized else table.column(name).take(take)
    return pa.table(out), kept_rows


def _search(
    columns: Sequence[Column],
    groups: Groups,
    sensitive: Sensitive | None,
    criteria: Criteria,
    progress: Progress | None,
) -> tuple[Lattice, Search, int | None]:
    lattice = Lattice(tuple(c.height for c in columns))

    evaluator = Evaluator(columns, groups, sensitive, criteria)

    def check(index: int) -> Outcome:
        suppressed = evaluator.suppressed(lattice.node(index))
        return Outcome(suppressed <= criteria.budget, suppressed)

    search = Search(lattice, check, groups.rows, criteria.monotonic(), progress)
    return lattice, search, search.run()


def anonymize(
    data: Data,
    quasi: Sequence[str],
    sensitive: str | None = None,
    *,
    k: int = 5,
    l: int | None = None,  # noqa: E741  (the model's name)
    t: float | None = None,
    hierarchies: Mapping[str, Hierarchy] | None = None,
    suppress: float = 0.05,
    drop: Sequence[str] = (),
    progress: Progress | None = None,
) -> Result:
    """Generalize `quasi` (and suppress at most `suppress` of the rows) to the release of
    least information loss that is k-anonymous, distinct l-diverse and t-close."""
    started = time.perf_counter()
    table = _as_table(data)
    _check_columns(table, quasi, sensitive, drop)
    _check_parameters(table.num_rows, k, l, t, suppress, sensitive)
    columns, sens, groups = encode(table, quasi, sensitive, hierarchies or {})
    if l is not None and sens is not None and l > len(sens.values):
        raise AnonymizationError(
            f"l={l} is larger than the {len(sens.values)} distinct values of the sensitive "
            f"column {sensitive!r}"
        )
    criteria = Criteria(k, l, t, math.floor(suppress * table.num_rows + 1e-9))
    lattice, search, best = _search(columns, groups, sens, criteria, progress)
    if best is None:
        top = evaluate(columns, groups, sens, criteria, lattice.node(lattice.size - 1))
        raise _no_node(criteria, table.num_rows, suppress, top)
    node = lattice.node(best)
    classes = evaluate(columns, groups, sens, criteria, node)
    release, kept_rows = _release(table, columns, groups, node, classes, drop)
    loss = lattice.loss(best, classes.suppressed, groups.rows)
    report = _report(columns, groups, sens, classes, node, loss, (k, l, t, suppress), list(drop))
    report["search"] = {
        "algorithm": "flash" if criteria.monotonic() else "exhaustive by loss bound",
        "lattice_nodes": lattice.size,
        "nodes_evaluated": len(search.outcomes),
        "seconds": round(time.perf_counter() - started, 4),
    }
    chosen = {c.name: level for c, level in zip(columns, node, strict=True)}
    return Result(release, report, chosen, kept_rows)


def _report(
    columns: Sequence[Column],
    groups: Groups,
    sens: Sensitive | None,
    classes: Classes,
    node: Sequence[int],
    loss: float,
    requested: tuple[int, int | None, float | None, float],
    drop: list[str],
) -> dict[str, Any]:
    k, l, t, suppress = requested  # noqa: E741
    kept = classes.sizes[~classes.failing]
    return {
        "requested": {"k": k, "l": l, "t": t, "suppression_limit": suppress},
        "achieved": metrics.achieved(groups, classes, sens),
        "quasi_identifiers": [c.name for c in columns],
        "sensitive": sens.name if sens else None,
        "t_distance": None if sens is None else ("ordered" if sens.ordered else "equal"),
        "dropped": drop,
        "rows": {
            "in": groups.rows,
            "out": groups.rows - classes.suppressed,
            "suppressed": classes.suppressed,
        },
        "classes": {"count": len(kept), "size": metrics.size_distribution(kept)},
        "risk": metrics.risks(kept),
        "information_loss": metrics.information_loss(columns, node, classes, groups.rows, loss),
        "generalization": {
            c.name: {
                "level": level,
                "height": c.height,
                "name": c.hierarchy.level_names[level],
                "hierarchy": c.hierarchy.kind,
            }
            for c, level in zip(columns, node, strict=True)
        },
    }
