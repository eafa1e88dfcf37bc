"""Privacy models checked on the equivalence classes of a lattice node.

* k-anonymity: a class has at least k rows;
* distinct l-diversity: a class holds at least l distinct sensitive values;
* t-closeness: the Earth Mover's Distance between a class's sensitive distribution and
  the whole input table's is at most t; ordered distance for numeric sensitive values,
  equal distance for categorical ones (Li, Li, Venkatasubramanian 2007).

Rows of failing classes are suppressed; a node is anonymous when they fit the budget.
k-anonymity and distinct l-diversity with suppression are monotonic (a class of a more
general node that contains a passing class passes); t-closeness with suppression is not
(a passing class merged with a failing one may fail), which the search takes into account.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from imbplus.anonymize.encoding import Codes, Column, Groups, Sensitive, combine

Mask = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]
_DENSE_CELLS = 4_000_000


@dataclass(frozen=True)
class Criteria:
    k: int
    l: int | None = None  # noqa: E741  (the model's name)
    t: float | None = None
    budget: int = 0  # rows that may be suppressed

    def monotonic(self) -> bool:
        return self.t is None or self.budget == 0


@dataclass(frozen=True)
class Classes:
    """A node's equivalence classes over the compressed table."""

    group_class: Codes
    sizes: Codes
    failing: Mask

    @property
    def suppressed(self) -> int:
        return int(self.sizes[self.failing].sum())


def classes_of(columns: Sequence[Column], groups: Groups, node: Sequence[int]) -> Codes:
    codes = [
        c.maps[level][groups.codes[:, j]]
        for j, (c, level) in enumerate(zip(columns, node, strict=True))
    ]
    cards = [len(c.labels[level]) for c, level in zip(columns, node, strict=True)]
    group_class, _ = combine(codes, cards)
    return group_class


def evaluate(
    columns: Sequence[Column],
    groups: Groups,
    sensitive: Sensitive | None,
    criteria: Criteria,
    node: Sequence[int],
) -> Classes:
    group_class = classes_of(columns, groups, node)
    n_classes = int(group_class.max()) + 1 if len(group_class) else 0
    sizes = np.bincount(group_class, weights=groups.counts, minlength=n_classes).astype(np.int64)
    failing = sizes < criteria.k
    if sensitive is not None and (criteria.l is not None or criteria.t is not None):
        values = len(sensitive.values)
        key = group_class[groups.pair_group] * values + groups.pair_value
        keys, inverse = np.unique(key, return_inverse=True)
        counts = np.bincount(inverse, weights=groups.pair_count).astype(np.int64)
        pair_class, pair_value = keys // values, keys % values
        if criteria.l is not None:
            failing |= np.bincount(pair_class, minlength=n_classes) < criteria.l
        if criteria.t is not None:
            emd = distances(pair_class, pair_value, counts, sizes, sensitive)
            failing |= emd > criteria.t + 1e-12
    return Classes(group_class, sizes, failing)


def distances(
    pair_class: Codes, pair_value: Codes, counts: Codes, sizes: Codes, sensitive: Sensitive
) -> Floats:
    """Each class's EMD to the table's sensitive distribution; pairs sorted by class."""
    share = counts / sizes[pair_class]
    q = sensitive.global_share
    if not sensitive.ordered:
        gap = np.abs(share - q[pair_value]) - q[pair_value]
        summed = np.bincount(pair_class, weights=gap, minlength=len(sizes))
        return (0.5 * (summed + 1.0)).astype(np.float64)
    values = len(q)
    if values < 2:
        return np.zeros(len(sizes))
    emd = np.empty(len(sizes))
    step = max(1, _DENSE_CELLS // values)
    for start in range(0, len(sizes), step):
        stop = min(start + step, len(sizes))
        lo, hi = np.searchsorted(pair_class, [start, stop])
        dense = np.zeros((stop - start, values))
        dense[pair_class[lo:hi] - start, pair_value[lo:hi]] = share[lo:hi]
        cumulative = np.cumsum(dense - q, axis=1)
        emd[start:stop] = np.abs(cumulative).sum(axis=1) / (values - 1)
    return emd
