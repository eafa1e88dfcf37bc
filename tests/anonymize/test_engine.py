"""Hand-computed releases and the guarantees of `anonymize`."""

from __future__ import annotations

import pyarrow as pa
import pytest

from imbplus.anonymize import AnonymizationError, anonymize
from tests.anonymize.conftest import TEN, hierarchies


def test_p06_ten_rows_optimal_node_and_suppressed_rows_by_hand() -> None:
    # Lattice age 0..4 x city 0..2, loss = intensity + suppressed/rows * (1 - intensity).
    # (age 5-year bands, city kept): intensity 0.125, rows 52 and 58 alone -> 2 suppressed,
    # loss 0.125 + 0.2 * 0.875 = 0.3; every other anonymous node loses 0.4 or more.
    result = anonymize(
        TEN, ["age", "city"], k=2, hierarchies=hierarchies(), suppress=0.2, drop=["name"]
    )
    assert result.node == {"age": 1, "city": 0}
    assert result.kept_rows.tolist() == [0, 1, 2, 3, 4, 5, 6, 7]
    out = result.columns()
    assert list(out) == ["age", "city", "plan"]
    assert out["age"] == ["20-24", "20-24", "25-29", "25-29", "30-34", "30-34", "35-39", "35-39"]
    assert out["city"] == TEN["city"][:8]
    report = result.report
    assert report["rows"] == {"in": 10, "out": 8, "suppressed": 2}
    assert report["information_loss"]["loss"] == pytest.approx(0.3)
    assert report["information_loss"]["discernibility"] == 4 * 2**2 + 2 * 10
    assert report["classes"]["count"] == 4
    assert report["classes"]["size"] == {"min": 2, "max": 2, "mean": 2.0, "histogram": {"2": 4}}
    assert report["risk"]["prosecutor"] == {"max": 0.5, "average": 0.5}
    assert report["risk"]["marketer"] == 0.5
    assert "prosecutor" in report["risk"]["journalist"]["note"]
    assert report["generalization"]["age"] == {
        "level": 1,
        "height": 4,
        "name": "bands of 5",
        "hierarchy": "integer bands",
    }
    assert report["search"]["lattice_nodes"] == 15
    assert 0 < report["search"]["nodes_evaluated"] <= 15


def test_p06_a_smaller_budget_moves_to_the_node_that_needs_no_suppression() -> None:
    # One row may go: every node with age below '*' leaves both fifty-somethings alone.
    # (age *, city kept): classes Kraków 3, Tarnów 2, Gdańsk 3, Gdynia 2 -> loss 0.5.
    result = anonymize(TEN, ["age", "city"], k=2, hierarchies=hierarchies(), suppress=0.1)
    assert result.node == {"age": 4, "city": 0}
    assert result.report["rows"]["suppressed"] == 0
    assert set(result.columns()["age"]) == {"*"}
    assert result.report["information_loss"]["loss"] == pytest.approx(0.5)


def test_p06_l_diversity_generalizes_further_than_k_alone() -> None:
    plain = anonymize(TEN, ["age", "city"], "plan", k=2, hierarchies=hierarchies(), suppress=0.2)
    diverse = anonymize(
        TEN, ["age", "city"], "plan", k=2, l=2, hierarchies=hierarchies(), suppress=0.2
    )
    # 30-34 Gdańsk holds two 'basic' plans: distinct 1 < 2
    assert plain.report["achieved"]["l"] == 1
    assert diverse.report["achieved"]["l"] >= 2
    assert diverse.report["information_loss"]["loss"] > plain.report["information_loss"]["loss"]


def test_p06_arrow_table_in_arrow_table_out() -> None:
    data = pa.table({k: pa.array(v) for k, v in TEN.items()})
    result = anonymize(data, ["age", "city"], k=2, hierarchies=hierarchies(), suppress=0.2)
    assert isinstance(result.table, pa.Table) and result.table.num_rows == 8
    assert result.table.column_names == ["name", "age", "city", "plan"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"quasi": ["age", "town"]}, "unknown column 'town'"),
        ({"k": 1}, "k must be at least 2"),
        ({"k": 11}, "k=11 is larger than the table (10 rows)"),
        ({"sensitive": "plan", "l": 4}, "l=4 is larger than the 3 distinct values"),
        ({"l": 2}, "need a sensitive column"),
        ({"sensitive": "plan", "t": 1.5}, "t must lie between 0 and 1"),
        ({"drop": ["age"]}, "to be dropped and also used"),
    ],
)
def test_p06_refusals_name_the_problem(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"quasi": ["age", "city"], "k": 2, **kwargs}
    with pytest.raises(AnonymizationError) as refused:
        anonymize(TEN, **args)  # type: ignore[arg-type]
    assert message in refused.value.message


def test_p06_a_value_outside_the_hierarchy_is_named() -> None:
    data = {**TEN, "city": [*TEN["city"][:9], "Sopot"]}
    with pytest.raises(AnonymizationError, match="column 'city' does not cover the value 'Sopot'"):
        anonymize(data, ["age", "city"], k=2, hierarchies=hierarchies())


def test_p06_no_node_within_the_budget_says_why() -> None:
    from imbplus.anonymize import table

    stuck = table({"Kraków": ("Kraków",), "Tarnów": ("Tarnów",), "Gdańsk": ("Gdańsk",)})
    data = {"city": ["Kraków"] * 5 + ["Tarnów"] * 4 + ["Gdańsk"]}
    with pytest.raises(AnonymizationError) as refused:
        anonymize(data, ["city"], k=2, hierarchies={"city": stuck}, suppress=0)
    assert "no generalization satisfies k=2" in refused.value.message
    assert "budget of 0 rows" in refused.value.message
    assert "fails for 1 rows" in refused.value.message


def test_p06_t_closeness_with_suppression_searches_without_tagging() -> None:
    result = anonymize(
        TEN, ["age", "city"], "plan", k=2, t=0.5, hierarchies=hierarchies(), suppress=0.2
    )
    assert result.report["search"]["algorithm"] == "exhaustive by loss bound"
    assert result.report["achieved"]["t"] <= 0.5
    assert result.report["t_distance"] == "equal"
