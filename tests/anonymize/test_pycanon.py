"""The independent library pycanon confirms k, l and t of the releases.

pycanon pins exact versions of its own dependencies (typer, numpy, typing_extensions)
that conflict with ours (its typer lacks what our CLI uses), so `make install` installs it
without them (`pip install --no-deps`); its checkers need only numpy and pandas (a dev
dependency). Elsewhere these tests skip, saying so.
"""

from __future__ import annotations

import pytest

from imbplus.anonymize import anonymize
from tests.anonymize.conftest import CITY
from tests.anonymize.test_optimality import _table

pycanon = pytest.importorskip("pycanon.anonymity")
pd = pytest.importorskip("pandas")


@pytest.mark.parametrize("seed", [11, 12, 13])
@pytest.mark.parametrize(("k", "l"), [(2, 2), (4, 3), (5, None)])
def test_p06_pycanon_confirms_k_and_l(seed: int, k: int, l: int | None) -> None:  # noqa: E741
    quasi = ["age", "city", "postal", "day"]
    result = anonymize(_table(seed, 200), quasi, "plan", k=k, l=l, hierarchies={"city": CITY})
    frame = pd.DataFrame(result.columns())
    assert pycanon.k_anonymity(frame, quasi) >= k
    assert pycanon.k_anonymity(frame, quasi) == result.report["achieved"]["k"]
    if l is not None:
        assert pycanon.l_diversity(frame, quasi, ["plan"]) >= l
        assert pycanon.l_diversity(frame, quasi, ["plan"]) == result.report["achieved"]["l"]


@pytest.mark.parametrize("seed", [21, 22])
@pytest.mark.parametrize(("sensitive", "t"), [("bill", 0.2), ("plan", 0.15)])
def test_p06_pycanon_confirms_t_closeness(seed: int, sensitive: str, t: float) -> None:
    # Without suppression the release's sensitive distribution is the input's, the one both
    # measure against; numeric values use the ordered distance, categories the equal one.
    quasi = ["age", "city", "postal"]
    result = anonymize(
        _table(seed, 200), quasi, sensitive, k=2, t=t, hierarchies={"city": CITY}, suppress=0
    )
    frame = pd.DataFrame(result.columns())
    if sensitive == "bill":
        frame["bill"] = frame["bill"].astype(int)
    measured = pycanon.t_closeness(frame, quasi, [sensitive])
    assert measured <= t + 1e-9
    assert measured == pytest.approx(result.report["achieved"]["t"], abs=1e-6)
