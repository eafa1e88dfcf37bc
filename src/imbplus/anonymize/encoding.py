"""Columns as integer codes per hierarchy level, and the table compressed to groups.

Each quasi-identifier is dictionary-encoded once (Arrow's hash encoding): a row holds the
code of its value, and level i of the hierarchy is a lookup array from value code to the
code of the value's label at that level. The table is then compressed to its distinct
quasi-identifier combinations (groups) with their row counts, and, when a sensitive
column is given, the (group, sensitive value, count) triples. A lattice node is evaluated
on groups only, never on rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from imbplus.anonymize.errors import AnonymizationError
from imbplus.anonymize.hierarchies import Hierarchy, detect

Codes = npt.NDArray[np.int64]
_KEY_LIMIT = 1 << 62


@dataclass(frozen=True)
class Column:
    name: str
    hierarchy: Hierarchy
    maps: tuple[Codes, ...]  # per level: value code -> label code at that level
    labels: tuple[pa.Array, ...]  # per level: label code -> label

    @property
    def height(self) -> int:
        return len(self.maps) - 1


@dataclass(frozen=True)
class Sensitive:
    name: str
    values: list[str]
    ordered: bool  # numeric values: ordered distance; else equal distance
    global_share: npt.NDArray[np.float64]  # share of each value in the whole table


@dataclass(frozen=True)
class Groups:
    """The table compressed: one entry per distinct quasi-identifier combination."""

    codes: Codes  # (groups, columns) value codes
    counts: Codes  # rows per group
    row_group: Codes  # group of each row
    pair_group: Codes  # (group, sensitive value, count) triples, when a sensitive column
    pair_value: Codes
    pair_count: Codes

    @property
    def rows(self) -> int:
        return int(self.counts.sum())


def dictionary(column: pa.ChunkedArray | pa.Array) -> tuple[Codes, list[str]]:
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    encoded = pc.dictionary_encode(pc.fill_null(column.cast(pa.string()), ""))
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, encoded.dictionary.to_pylist()


def encode_column(name: str, values: list[str], hierarchy: Hierarchy | None) -> Column:
    hierarchy = hierarchy or detect(values)
    chains: list[tuple[str, ...]] = []
    for value in values:
        try:
            chains.append((value, *hierarchy.generalize(value)))
        except KeyError:
            raise AnonymizationError(
                f"the hierarchy of column {name!r} does not cover the value {value!r}"
            ) from None
    maps: list[Codes] = []
    labels: list[pa.Array] = []
    for level in range(hierarchy.height + 1):
        index: dict[str, int] = {}
        codes = [index.setdefault(chain[level], len(index)) for chain in chains]
        maps.append(np.asarray(codes, dtype=np.int64))
        labels.append(pa.array(list(index), type=pa.string()))
    return Column(name, hierarchy, tuple(maps), tuple(labels))


def combine(codes: Sequence[Codes], cards: Sequence[int]) -> tuple[Codes, int]:
    """One dense id per distinct combination of the code columns, and how many there are."""
    key = np.zeros(len(codes[0]) if codes else 0, dtype=np.int64)
    space = 1
    for column, card in zip(codes, cards, strict=True):
        if space * card >= _KEY_LIMIT:
            uniq, key = np.unique(key, return_inverse=True)
            space = len(uniq)
        key = key * card + column
        space *= card
    if len(key) == 0:
        return key, 0
    if space <= max(4 * len(key), 1 << 16):
        present = np.bincount(key, minlength=space) > 0
        dense = np.cumsum(present) - 1
        return dense[key], int(present.sum())
    order = np.argsort(key)
    ordered = key[order]
    starts = np.empty(len(key), dtype=np.int64)
    starts[0] = 0
    np.cumsum(ordered[1:] != ordered[:-1], out=starts[1:])
    dense = np.empty(len(key), dtype=np.int64)
    dense[order] = starts
    return dense, int(starts[-1]) + 1


def compress(
    row_codes: Sequence[Codes], cards: Sequence[int], sensitive: Codes | None, values: int
) -> Groups:
    row_group, n_groups = combine(row_codes, cards)
    counts = np.bincount(row_group, minlength=n_groups).astype(np.int64)
    codes = np.zeros((n_groups, len(row_codes)), dtype=np.int64)
    for j, column in enumerate(row_codes):
        codes[row_group, j] = column  # every row of a group holds the same code
    empty = np.zeros(0, dtype=np.int64)
    if sensitive is None:
        return Groups(codes.astype(np.int64), counts, row_group, empty, empty, empty)
    pair_key = row_group * values + sensitive
    keys, pair_count = np.unique(pair_key, return_counts=True)
    return Groups(
        codes.astype(np.int64),
        counts,
        row_group,
        keys // values,
        keys % values,
        pair_count.astype(np.int64),
    )


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def encode_sensitive(name: str, column: pa.ChunkedArray) -> tuple[Codes, Sensitive]:
    codes, values = dictionary(column)
    ordered = bool(values) and all(_is_number(v) for v in values)
    if ordered:  # ordered distance needs the codes in the values' order
        rank = np.argsort(np.asarray([float(v) for v in values]), kind="stable")
        position = np.empty_like(rank)
        position[rank] = np.arange(len(rank))
        codes = position[codes]
        values = [values[i] for i in rank]
    share = np.bincount(codes, minlength=len(values)) / max(len(codes), 1)
    return codes, Sensitive(name, values, ordered, share.astype(np.float64))


def encode(
    table: pa.Table,
    quasi: Sequence[str],
    sensitive: str | None,
    hierarchies: Mapping[str, Hierarchy],
) -> tuple[list[Column], Sensitive | None, Groups]:
    columns: list[Column] = []
    row_codes: list[Codes] = []
    for name in quasi:
        codes, values = dictionary(table.column(name))
        columns.append(encode_column(name, values, hierarchies.get(name)))
        row_codes.append(codes)
    sens: Sensitive | None = None
    sens_codes: Codes | None = None
    if sensitive is not None:
        sens_codes, sens = encode_sensitive(sensitive, table.column(sensitive))
    cards = [len(c.maps[0]) for c in columns]
    groups = compress(row_codes, cards, sens_codes, len(sens.values) if sens else 1)
    return columns, sens, groups
