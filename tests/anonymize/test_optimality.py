"""The chosen node has the least loss of all anonymous nodes (brute force over the lattice),
and a property test: every released class has k rows, suppression stays in the budget."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imbplus.anonymize import anonymize
from imbplus.anonymize.encoding import encode
from imbplus.anonymize.lattice import Lattice
from imbplus.anonymize.models import Criteria, evaluate
from tests.anonymize.conftest import CITY


def _table(seed: int, rows: int) -> dict[str, list[str]]:
    rng = np.random.default_rng(seed)
    return {
        "age": [str(a) for a in rng.integers(18, 80, rows)],
        "city": list(rng.choice(["Kraków", "Tarnów", "Gdańsk", "Gdynia"], rows)),
        "postal": [
            f"{rng.choice(['00', '30', '80'])}-{rng.integers(0, 30):03d}" for _ in range(rows)
        ],
        "day": [f"2025-{rng.integers(1, 13):02d}-{rng.integers(1, 29):02d}" for _ in range(rows)],
        "plan": list(rng.choice(["basic", "premium", "sport", "kids"], rows)),
        "bill": [str(b) for b in rng.choice([29, 49, 69, 99, 129], rows)],
    }


def _brute_force(data: dict[str, list[str]], quasi: list[str], sensitive: str, **models: object):
    """Every node's loss by direct evaluation on the groups (no roll-up, no pruning)."""
    import pyarrow as pa

    table = pa.table({k: pa.array(v) for k, v in data.items()})
    columns, sens, groups = encode(table, quasi, sensitive, {"city": CITY})
    suppress = float(models.pop("suppress"))  # type: ignore[arg-type]
    criteria = Criteria(budget=math.floor(suppress * table.num_rows + 1e-9), **models)  # type: ignore[arg-type]
    lattice = Lattice(tuple(c.height for c in columns))
    losses = {}
    for index in range(lattice.size):
        classes = evaluate(columns, groups, sens, criteria, lattice.node(index))
        if classes.suppressed <= criteria.budget:
            losses[lattice.node(index)] = lattice.loss(index, classes.suppressed, groups.rows)
    return losses


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(
    ("quasi", "models"),
    [
        (["age", "city", "postal"], {"k": 3, "suppress": 0.05}),
        (["age", "city", "day"], {"k": 2, "l": 2, "suppress": 0.1}),
        (["age", "postal"], {"k": 2, "t": 0.3, "suppress": 0.0}),
        (["age", "city"], {"k": 2, "t": 0.35, "suppress": 0.1}),  # not monotonic: exhaustive
    ],
)
def test_p06_chosen_node_has_the_least_loss_of_the_whole_lattice(
    seed: int, quasi: list[str], models: dict[str, object]
) -> None:
    data = _table(seed, 80)
    sensitive = "bill" if "t" in models else "plan"
    result = anonymize(data, quasi, sensitive, hierarchies={"city": CITY}, **models)  # type: ignore[arg-type]
    losses = _brute_force(data, quasi, sensitive, **models)
    chosen = tuple(result.node[c] for c in quasi)
    assert chosen in losses, "the chosen node is not anonymous by direct evaluation"
    assert losses[chosen] == pytest.approx(min(losses.values()), abs=1e-12)
    assert result.report["information_loss"]["loss"] == pytest.approx(losses[chosen], abs=1e-6)
    assert result.report["search"]["nodes_evaluated"] <= result.report["search"]["lattice_nodes"]


def test_p06_flash_evaluates_fewer_nodes_than_the_lattice_holds() -> None:
    data = _table(5, 400)
    result = anonymize(
        data, ["age", "city", "postal", "day"], "plan", k=5, hierarchies={"city": CITY}
    )
    search = result.report["search"]
    assert search["algorithm"] == "flash"
    assert search["nodes_evaluated"] < search["lattice_nodes"] / 2


_value = st.sampled_from(["a", "b", "c", "d", "e"])


@st.composite
def _tables(draw: st.DrawFn) -> tuple[dict[str, list[str]], int, float]:
    rows = draw(st.integers(min_value=4, max_value=40))
    column = st.lists(_value, min_size=rows, max_size=rows)
    ages = st.lists(st.integers(0, 99).map(str), min_size=rows, max_size=rows)
    data = {"age": draw(ages), "c1": draw(column), "c2": draw(column), "s": draw(column)}
    k = draw(st.integers(min_value=2, max_value=min(6, rows)))
    suppress = draw(st.sampled_from([0.0, 0.05, 0.1, 0.3]))
    return data, k, suppress


@settings(max_examples=50, deadline=None)
@given(_tables())
def test_p06_property_every_released_class_has_k_rows_and_suppression_fits(
    case: tuple[dict[str, list[str]], int, float],
) -> None:
    data, k, suppress = case
    result = anonymize(data, ["age", "c1", "c2"], "s", k=k, suppress=suppress)
    out = result.columns()
    classes = Counter(zip(out["age"], out["c1"], out["c2"], strict=True))
    assert all(size >= k for size in classes.values())
    rows = len(data["age"])
    assert result.report["rows"]["suppressed"] == rows - len(out["age"])
    assert result.report["rows"]["suppressed"] <= math.floor(suppress * rows + 1e-9)
    assert result.report["achieved"]["k"] == min(classes.values())


@pytest.mark.parametrize("seed", [4, 5])
def test_p06_every_way_of_counting_classes_agrees_with_direct_evaluation(seed: int) -> None:
    """k alone is counted three ways (a dense table of the node's class space when it is
    small, a sort of 32-bit class keys when they fit, of 64-bit keys otherwise); each gives
    what direct evaluation gives, on every node."""
    import pyarrow as pa

    from imbplus.anonymize.rollup import Evaluator

    data = _table(seed, 300)
    table = pa.table({k: pa.array(v) for k, v in data.items()})
    quasi = ["age", "city", "postal", "day"]
    columns, sens, groups = encode(table, quasi, None, {"city": CITY})
    criteria = Criteria(budget=0, k=4)
    ways = {name: Evaluator(columns, groups, sens, criteria) for name in ("any", "32", "64")}
    ways["32"]._dense_limit = 0  # never the dense table
    ways["64"]._small_rows = lambda node: None  # type: ignore[method-assign]
    lattice = Lattice(tuple(c.height for c in columns))
    dense = 0
    for index in range(lattice.size):
        node = lattice.node(index)
        direct = evaluate(columns, groups, sens, criteria, node).suppressed
        assert {name: way.suppressed(node) for name, way in ways.items()} == dict.fromkeys(
            ways, direct
        )
        space = math.prod(len(c.labels[level]) for c, level in zip(columns, node, strict=True))
        dense += space <= ways["any"]._dense_limit
    assert 0 < dense < lattice.size  # the table takes both of the faster ways
