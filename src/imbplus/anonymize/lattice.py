"""Full-domain generalization lattice and its search for the anonymous node of least loss.

A node picks one level per quasi-identifier. Its loss is the share of information lost per
cell: kept rows lose the node's generalization intensity (mean of level/height over the
columns), suppressed rows lose everything:

    loss = intensity + suppressed/rows * (1 - intensity)

so `intensity` is a lower bound of the loss that needs no evaluation.

The search, in the spirit of ARX's Flash (Kohlmayer et al. 2012):
1. Classification. While the models are monotonic (k-anonymity and distinct l-diversity,
   with or without suppression; t-closeness without suppression), nodes are visited on
   downward paths from the highest open node: the path's top first (near the loss bound
   most nodes fail, and a failure settles everything below), then a binary search down
   the path. An anonymous node tags all its successors anonymous, a non-anonymous one all
   its predecessors non-anonymous, so most nodes are classified without being evaluated.
   Only "open" nodes are visited: unclassified, and whose loss bound (intensity, raised
   by the suppression of an evaluated successor: suppression never grows upwards) does
   not exceed the best loss evaluated so far.
2. Optimum. Anonymous nodes are taken in order of intensity and evaluated (for their
   suppression) until the intensity alone exceeds the best loss found; a node is skipped
   when its raised bound already exceeds it.
Without monotonicity (t-closeness with suppression), step 1 is skipped and step 2 visits
every node in the same order: exhaustive, with the same stopping rule. Either way the node
returned has the least loss of all anonymous nodes (ties: the lower node id).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from imbplus.anonymize.errors import AnonymizationError

MAX_NODES = 2_000_000
Progress = Callable[[int, int], None]


@dataclass
class Lattice:
    heights: tuple[int, ...]
    levels: npt.NDArray[np.int64] = field(init=False)
    strides: npt.NDArray[np.int64] = field(init=False)
    intensity: npt.NDArray[np.float64] = field(init=False)

    def __post_init__(self) -> None:
        shape = tuple(h + 1 for h in self.heights)
        size = int(np.prod(shape))
        if size > MAX_NODES:
            raise AnonymizationError(
                f"the lattice would have {size} nodes (at most {MAX_NODES}): "
                "use fewer quasi-identifiers or shorter hierarchies"
            )
        self.levels = np.indices(shape).reshape(len(shape), -1).T.astype(np.int64)
        self.strides = np.array(
            [int(np.prod(shape[j + 1 :])) for j in range(len(shape))], dtype=np.int64
        )
        ratio = self.levels / np.maximum(np.asarray(self.heights, dtype=np.float64), 1.0)
        self.intensity = ratio.mean(axis=1)

    @property
    def size(self) -> int:
        return len(self.levels)

    def node(self, index: int) -> tuple[int, ...]:
        return tuple(int(x) for x in self.levels[index])

    def index(self, node: Sequence[int]) -> int:
        return int(np.dot(np.asarray(node, dtype=np.int64), self.strides))

    def loss(self, index: int, suppressed: int, rows: int) -> float:
        intensity = float(self.intensity[index])
        return intensity + (suppressed / rows if rows else 0.0) * (1.0 - intensity)


@dataclass(frozen=True)
class Outcome:
    anonymous: bool
    suppressed: int


@dataclass
class Search:
    lattice: Lattice
    check: Callable[[int], Outcome]
    rows: int
    monotonic: bool
    progress: Progress | None = None
    state: npt.NDArray[np.int8] = field(init=False)  # 0 unknown, 1 anonymous, -1 not
    outcomes: dict[int, Outcome] = field(init=False, default_factory=dict)
    floor: npt.NDArray[np.int64] = field(init=False)
    bound: float = field(init=False, default=float("inf"))  # least loss evaluated so far

    def __post_init__(self) -> None:
        self.state = np.zeros(self.lattice.size, dtype=np.int8)
        self.floor = np.zeros(self.lattice.size, dtype=np.int64)  # suppression lower bound

    def outcome(self, index: int) -> Outcome:
        if index not in self.outcomes:
            found = self.check(index)
            self.outcomes[index] = found
            if self.monotonic:
                self._floor(index, found.suppressed)
            if found.anonymous:
                loss = self.lattice.loss(index, found.suppressed, self.rows)
                self.bound = min(self.bound, loss)
            if self.progress is not None:
                self.progress(int(np.count_nonzero(self.state)), self.lattice.size)
        found = self.outcomes[index]
        if self.monotonic:
            self._tag(index, found.anonymous)
        else:
            self.state[index] = 1 if found.anonymous else -1
        return found

    def _box(self, array: npt.NDArray[Any], index: int, above: bool) -> npt.NDArray[Any]:
        """The node's up-set or down-set as a view: in the lattice's C-ordered box, it is
        the sub-box from the node's levels up (or from zero to them)."""
        shape = tuple(h + 1 for h in self.lattice.heights)
        here = self.lattice.levels[index]
        cut = tuple(slice(int(x), None) if above else slice(0, int(x) + 1) for x in here)
        view: npt.NDArray[Any] = array.reshape(shape)[cut]
        return view

    def _floor(self, index: int, suppressed: int) -> None:
        """Every predecessor suppresses at least as many rows (monotonic models)."""
        below = self._box(self.floor, index, above=False)
        np.maximum(below, suppressed, out=below)

    def _tag(self, index: int, anonymous: bool) -> None:
        reach = self._box(self.state, index, above=anonymous)
        reach[reach == 0] = 1 if anonymous else -1

    def _path(self, start: int) -> list[int]:
        """A downward path of open nodes from `start`, lowering tall columns first."""
        lattice = self.lattice
        columns = np.argsort(-np.asarray(lattice.heights), kind="stable")
        path, here = [start], start
        while True:
            down = (here - int(lattice.strides[j]) for j in columns if lattice.levels[here, j] > 0)
            following = next((s for s in down if self._open(s)), None)
            if following is None:
                return path
            path.append(following)
            here = following

    def _open(self, index: int) -> bool:
        """Unclassified and still able to beat the best loss found: its loss is at least
        that of its intensity with the suppression of any evaluated successor."""
        if self.state[index] != 0:
            return False
        return self.lattice.loss(index, int(self.floor[index]), self.rows) <= self.bound

    def classify(self) -> None:
        lattice = self.lattice
        order = np.lexsort((-lattice.intensity, -lattice.levels.sum(axis=1)))
        for start in order:
            if not self._open(int(start)):
                continue
            # Near the loss bound most nodes are not anonymous: the path's top first, whose
            # failure settles every node below it; else a binary search down the path.
            if not self.outcome(int(start)).anonymous:
                continue
            path = self._path(int(start))  # from high to low
            low, high = 1, len(path) - 1
            while low <= high:
                middle = (low + high) // 2
                if self.outcome(path[middle]).anonymous:
                    low = middle + 1
                else:
                    high = middle - 1

    def optimum(self) -> int | None:
        lattice = self.lattice
        best: tuple[float, int] | None = None
        for index in (int(i) for i in np.argsort(lattice.intensity, kind="stable")):
            if best is not None and lattice.intensity[index] > best[0] + 1e-12:
                break
            if self.state[index] == -1:
                continue
            bound = lattice.loss(index, int(self.floor[index]), self.rows)
            if best is not None and bound > best[0] + 1e-12:
                continue
            found = self.outcome(index)
            if not found.anonymous:
                continue
            candidate = (lattice.loss(index, found.suppressed, self.rows), index)
            if best is None or _better(candidate, best):
                best = candidate
        return None if best is None else best[1]

    def run(self) -> int | None:
        if self.monotonic:
            self.classify()
        return self.optimum()


def _better(candidate: tuple[float, int], best: tuple[float, int]) -> bool:
    """Less loss; on a tie (within rounding) the lower node id."""
    if abs(candidate[0] - best[0]) <= 1e-12:
        return candidate[1] < best[1]
    return candidate[0] < best[0]
