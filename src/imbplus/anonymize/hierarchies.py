"""Generalization hierarchies: for each value, its generalizations from specific to general.

A hierarchy of height h turns a value into h labels, level 1 .. h (level 0 is the value).
Built-ins are chosen by a column's values (`detect`); ARX-format files (one row per value:
the value, then its generalizations, `;`-separated, no header) override them.

Every hierarchy must be a function from one level to the next (a value's parent at level
i+1 depends only on its label at level i): the search's pruning rests on it, so files
are checked (`check_tree`).
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from imbplus.anonymize.errors import AnonymizationError
from imbplus.anonymize.postal import voivodeship

TOP = "*"
_POSTAL = re.compile(r"\d{2}-\d{3}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INT = re.compile(r"[+-]?\d+")


@dataclass(frozen=True)
class Hierarchy:
    """`generalize(value)` gives the labels of levels 1..height; KeyError if not covered."""

    kind: str
    level_names: tuple[str, ...]  # level 0 .. height
    rule: Callable[[str], tuple[str, ...]] = field(repr=False)

    @property
    def height(self) -> int:
        return len(self.level_names) - 1

    def generalize(self, value: str) -> tuple[str, ...]:
        labels = self.rule(value)
        if len(labels) != self.height:
            raise KeyError(value)
        return labels


def table(rows: Mapping[str, tuple[str, ...]], kind: str = "file") -> Hierarchy:
    """A hierarchy given as a table (value -> its generalizations)."""
    heights = {len(v) for v in rows.values()}
    if len(heights) > 1:
        raise AnonymizationError("hierarchy rows have different numbers of levels")
    height = heights.pop() if heights else 0
    names = ("value", *(f"level {i}" for i in range(1, height + 1)))
    return Hierarchy(kind, names, lambda v: rows[v])


def read_arx(path: Path) -> Hierarchy:
    """An ARX hierarchy file: `value;gen1;gen2;...;*` per row, no header."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise AnonymizationError(f"hierarchy file {path.name} is not UTF-8") from None
    rows: dict[str, tuple[str, ...]] = {}
    for number, row in enumerate(csv.reader(text.splitlines(), delimiter=";"), start=1):
        if not row or row == [""]:
            continue
        if row[0] in rows:
            raise AnonymizationError(
                f"hierarchy file {path.name} lists value {row[0]!r} twice (row {number})"
            )
        rows[row[0]] = tuple(row[1:])
    if not rows:
        raise AnonymizationError(f"hierarchy file {path.name} is empty")
    try:
        hierarchy = table(rows)
    except AnonymizationError as exc:
        raise AnonymizationError(f"hierarchy file {path.name}: {exc.message}") from None
    check_tree(hierarchy, rows, path.name)
    return hierarchy


def write_arx(path: Path, hierarchy: Hierarchy, values: Iterable[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\n")
        for value in values:
            writer.writerow([value, *hierarchy.generalize(value)])


def check_tree(hierarchy: Hierarchy, values: Iterable[str], name: str) -> None:
    parent: dict[tuple[int, str], str] = {}
    for value in values:
        chain = (value, *hierarchy.generalize(value))
        for level in range(hierarchy.height):
            seen = parent.setdefault((level, chain[level]), chain[level + 1])
            if seen != chain[level + 1]:
                raise AnonymizationError(
                    f"hierarchy {name}: {chain[level]!r} at level {level} generalizes both "
                    f"to {seen!r} and to {chain[level + 1]!r}"
                )


def categorical() -> Hierarchy:
    return Hierarchy("categorical", ("value", TOP), lambda v: (TOP,))


def postal() -> Hierarchy:
    def rule(v: str) -> tuple[str, ...]:
        if not v:
            return ("", "", "", TOP)
        if not _POSTAL.fullmatch(v):
            raise KeyError(v)
        return (f"{v[:4]}**", f"{v[:3]}***", voivodeship(v), TOP)

    return Hierarchy("postal code", ("code", "NN-N**", "NN-***", "voivodeship", TOP), rule)


def iso_date() -> Hierarchy:
    def rule(v: str) -> tuple[str, ...]:
        if not v:
            return ("", "", "", TOP)
        day = date.fromisoformat(v) if _DATE.fullmatch(v) else None
        if day is None:
            raise KeyError(v)
        return (f"{day:%Y-%m}", f"{day.year}-Q{(day.month - 1) // 3 + 1}", str(day.year), TOP)

    return Hierarchy("date", ("day", "month", "quarter", "year", TOP), rule)


def bands(widths: tuple[float, ...], integers: bool) -> Hierarchy:
    """Numbers in bands of growing width, then `*`: 37 -> 35-39 -> 30-39 -> 20-39 -> *."""

    def label(x: float, width: float) -> str:
        low = math.floor(x / width) * width
        if integers:
            return f"{int(low)}-{int(low + width) - 1}"
        return f"[{low:g}, {low + width:g})"

    def rule(v: str) -> tuple[str, ...]:
        if not v:
            return ("",) * len(widths) + (TOP,)
        try:
            x = float(v)
        except ValueError:
            raise KeyError(v) from None
        if not math.isfinite(x):
            raise KeyError(v)
        return (*(label(x, w) for w in widths), TOP)

    names = ("value", *(f"bands of {w:g}" for w in widths), TOP)
    return Hierarchy("integer bands" if integers else "number bands", names, rule)


def _number_widths(low: float, high: float, integers: bool) -> tuple[float, ...]:
    if integers and low >= 0 and high <= 150:
        return (5, 10, 20)  # ages and the like
    span = max(high - low, 1e-9)
    base = 10 ** math.floor(math.log10(span / 10))
    if integers:
        base = max(1, int(base))
    return (base, base * 5, base * 25)


def _all(values: list[str], test: Callable[[str], bool]) -> bool:
    return bool(values) and all(test(v) for v in values)


def _is_number(v: str) -> bool:
    try:
        return math.isfinite(float(v))
    except ValueError:
        return False


def detect(distinct: Iterable[str]) -> Hierarchy:
    """The built-in hierarchy that fits a column's distinct values (empty values aside)."""
    values = [v for v in distinct if v]
    if _all(values, lambda v: bool(_POSTAL.fullmatch(v))):
        return postal()
    if _all(values, _is_iso_date):
        return iso_date()
    integers = _all(values, lambda v: bool(_INT.fullmatch(v)))
    if integers or _all(values, _is_number):
        numbers = [float(v) for v in values]
        return bands(_number_widths(min(numbers), max(numbers), integers), integers)
    return categorical()


def _is_iso_date(v: str) -> bool:
    if not _DATE.fullmatch(v):
        return False
    try:
        date.fromisoformat(v)
    except ValueError:
        return False
    return True


def load_dir(directory: Path, columns: Iterable[str]) -> dict[str, Hierarchy]:
    """The ARX files `COLUMN.csv` found in `directory` for the given columns."""
    if not directory.is_dir():
        raise AnonymizationError(f"hierarchy directory {directory} does not exist")
    found: dict[str, Hierarchy] = {}
    for column in columns:
        path = directory / f"{column}.csv"
        if path.is_file():
            found[column] = read_arx(path)
    return found
