"""Evaluating lattice nodes by rolling up the classes of an evaluated predecessor.

The classes of a node are unions of the classes of any node below it, so a node is
evaluated from the cached snapshot (classes with their label codes, sizes and sensitive
histograms) of its evaluated predecessor with the fewest classes, not from the whole
compressed table: ARX's roll-up. The bottom snapshot is the compressed table itself.
Snapshots are kept within a bounded number of cells, oldest dropped first.

For k-anonymity alone there is a faster way that needs no snapshot: each group's label
code per column and level is precomputed once, scaled by a fixed stride, with the group's
row count in the low bits; a node's class key is a sum of its levels' parts, and one plain
sort (no argsort) brings each class's groups and counts together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from imbplus.anonymize.encoding import Codes, Column, Groups, Sensitive, combine
from imbplus.anonymize.models import Criteria, Mask, distances

_CACHE_CELLS = 8_000_000
_CACHE_ENTRIES = 128
_KEY_CELLS = 40_000_000  # 320 MB of precomputed key parts at most


@dataclass(frozen=True)
class Snapshot:
    node: tuple[int, ...]
    codes: Codes  # (classes, columns): each class's label code per column at `node`
    sizes: Codes
    pair_class: Codes  # (class, sensitive value, rows) triples, sorted by class
    pair_value: Codes
    pair_count: Codes


def _cells(found: Snapshot) -> int:
    return int(found.codes.size + 3 * len(found.pair_class))


class Evaluator:
    def __init__(
        self,
        columns: Sequence[Column],
        groups: Groups,
        sensitive: Sensitive | None,
        criteria: Criteria,
    ) -> None:
        self.columns, self.sensitive, self.criteria = columns, sensitive, criteria
        self.pairs = sensitive is not None and (criteria.l is not None or criteria.t is not None)
        self.bottom = Snapshot(
            tuple(0 for _ in columns),
            groups.codes,
            groups.counts,
            groups.pair_group,
            groups.pair_value,
            groups.pair_count,
        )
        self.cache: dict[tuple[int, ...], Snapshot] = {}
        self._lookups: dict[tuple[int, int, int], Codes] = {}
        self._cells = 0
        self._bits = 0
        self._keys = self._key_parts(groups) if not self.pairs else None
        # per column and level: each group's label code and the level's label count
        self._codes = [
            [m[groups.codes[:, j]].astype(np.int32) for m in c.maps] for j, c in enumerate(columns)
        ]
        self._rows32 = groups.counts.astype(np.int32)
        self._cards = [[len(labels) for labels in c.labels] for c in columns]
        self._weights = groups.counts.astype(np.float64)
        self._dense_limit = 4 * len(groups.counts) + (1 << 16)

    def _key_parts(self, groups: Groups) -> list[list[Codes]] | None:
        """Per column and level, each group's label code times the column's stride, the
        group's row count in the lowest digit: a node's class key is then a sum, and one
        plain sort (no argsort) brings its classes and their counts together."""
        cards = [len(c.maps[0]) for c in self.columns]
        bits = int(groups.counts.max()).bit_length() if len(groups.counts) else 0
        digit = 1 << bits
        space = float(np.prod(np.asarray(cards, dtype=np.float64))) * digit
        cells = sum(len(c.maps) for c in self.columns) * len(groups.counts)
        if space >= 2.0**62 or cells > _KEY_CELLS:
            return None
        self._bits = bits
        parts: list[list[Codes]] = []
        stride = digit
        for j in reversed(range(len(self.columns))):
            maps = self.columns[j].maps
            parts.append([m[groups.codes[:, j]] * stride for m in maps])
            stride *= cards[j]
        return parts[::-1]

    def _small_rows(self, node: tuple[int, ...]) -> int | None:
        """Rows in classes under k, for k alone. The key of a group's class is numbered in
        the node's own class space: counted in a dense table when that space is small (one
        pass, no sort), else sorted as 32-bit keys with the group's rows in the low bits
        when they fit (half the cost of 64-bit ones); None: too large for either."""
        space, strides = 1, []
        for j in reversed(range(len(node))):
            strides.append(space)
            space *= self._cards[j][node[j]]
        dense = space <= self._dense_limit
        if not dense and space << self._bits >= 1 << 31:
            return None
        strides.reverse()
        key = self._codes[0][node[0]] * strides[0]
        for j in range(1, len(node)):
            key += self._codes[j][node[j]] * strides[j]
        if dense:
            sizes = np.bincount(key, weights=self._weights, minlength=space)
            return int(sizes[(sizes > 0) & (sizes < self.criteria.k)].sum())
        key <<= self._bits
        key += self._rows32
        rows = _class_rows(key, self._bits)
        return int(rows[rows < self.criteria.k].sum())

    def _sizes_by_key(self, node: tuple[int, ...]) -> Codes:
        assert self._keys is not None
        key = self.bottom.sizes + self._keys[0][node[0]]
        for j in range(1, len(node)):
            key += self._keys[j][node[j]]
        return _class_rows(key, self._bits)

    def _lookup(self, j: int, low: int, high: int) -> Codes:
        """Label code at level `low` -> label code at level `high`, for column j."""
        key = (j, low, high)
        if key not in self._lookups:
            maps = self.columns[j].maps
            representative = np.zeros(len(self.columns[j].labels[low]), dtype=np.int64)
            representative[maps[low]] = np.arange(len(maps[low]))
            self._lookups[key] = maps[high][representative]
        return self._lookups[key]

    def _source(self, node: tuple[int, ...]) -> Snapshot:
        if not self.cache:
            return self.bottom
        levels = np.array(list(self.cache), dtype=np.int64)
        below = (levels <= np.asarray(node)).all(axis=1)
        if not below.any():
            return self.bottom
        candidates = [self.cache[tuple(int(x) for x in row)] for row in levels[below]]
        return min(candidates, key=lambda s: len(s.sizes))

    def snapshot(self, node: tuple[int, ...]) -> Snapshot:
        source = self._source(node)
        codes = [
            self._lookup(j, low, high)[source.codes[:, j]] if low != high else source.codes[:, j]
            for j, (low, high) in enumerate(zip(source.node, node, strict=True))
        ]
        cards = [len(c.labels[level]) for c, level in zip(self.columns, node, strict=True)]
        cls, n_classes = combine(codes, cards)
        sizes = np.bincount(cls, weights=source.sizes, minlength=n_classes).astype(np.int64)
        keep = n_classes * 2 <= len(self.bottom.sizes)  # worth caching: far fewer classes
        merged = np.zeros((n_classes if keep else 0, len(codes)), dtype=np.int64)
        for j, column in enumerate(codes if keep else ()):
            merged[cls, j] = column
        pair_class, pair_value, pair_count = source.pair_class, source.pair_value, source.pair_count
        if self.pairs and n_classes < len(source.sizes):
            assert self.sensitive is not None
            values = len(self.sensitive.values)
            keys, inverse = np.unique(cls[pair_class] * values + pair_value, return_inverse=True)
            pair_count = np.bincount(inverse, weights=pair_count).astype(np.int64)
            pair_class, pair_value = keys // values, keys % values
        elif self.pairs:
            pair_class = cls[pair_class]  # no merge: a renumbering only
            order = np.argsort(pair_class, kind="stable")
            pair_class, pair_value, pair_count = (
                pair_class[order],
                pair_value[order],
                pair_count[order],
            )
        found = Snapshot(node, merged, sizes, pair_class, pair_value, pair_count)
        if keep:
            self._keep(found)
        return found

    def _keep(self, found: Snapshot) -> None:
        self.cache[found.node] = found
        self._cells += _cells(found)
        while (self._cells > _CACHE_CELLS or len(self.cache) > _CACHE_ENTRIES) and len(
            self.cache
        ) > 1:
            self._cells -= _cells(self.cache.pop(next(iter(self.cache))))

    def failing(self, found: Snapshot) -> Mask:
        failing = found.sizes < self.criteria.k
        if self.pairs:
            assert self.sensitive is not None
            if self.criteria.l is not None:
                distinct = np.bincount(found.pair_class, minlength=len(found.sizes))
                failing |= distinct < self.criteria.l
            if self.criteria.t is not None:
                emd = distances(
                    found.pair_class,
                    found.pair_value,
                    found.pair_count,
                    found.sizes,
                    self.sensitive,
                )
                failing |= emd > self.criteria.t + 1e-12
        return failing

    def suppressed(self, node: tuple[int, ...]) -> int:
        if self._keys is not None:
            small = self._small_rows(node)
            if small is not None:
                return small
            sizes = self._sizes_by_key(node)
            return int(sizes[sizes < self.criteria.k].sum())
        found = self.snapshot(node)
        return int(found.sizes[self.failing(found)].sum())


def _class_rows(key: npt.NDArray[np.integer[Any]], bits: int) -> Codes:
    """Rows per class from keys holding the class above `bits` and a group's rows below."""
    key.sort()
    classes = key >> bits
    ends = np.flatnonzero(np.concatenate((classes[1:] != classes[:-1], [True])))
    rows = np.cumsum(key & ((1 << bits) - 1), dtype=np.int64)[ends]
    rows[1:] -= rows[:-1].copy()
    return rows
