"""Small-cell suppression of a table of counts with row and column totals (P03, P06).

A table is a grid of cells with its margins: rows 0..R-1 and the total row R, columns
0..C-1 and the total column C. Each cell carries its value and the number of people it
is made from. Every row and every column (margins included) is one equation: its cells add
up to its total, so a line with exactly one hidden entry gives that entry away.

1. Primary: a cell made from 1 to `threshold - 1` people is suppressed (an empty cell, no
   one in it, is published as 0).
2. Secondary: while some line has exactly one suppressed entry, the smallest other entry of
   that line made from someone (an inner cell before a total) is suppressed too.

`problems` checks a published table against both rules, independently of how it was made.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

Position = tuple[int, int]


@dataclass(frozen=True)
class Cell:
    value: int
    people: int


def _lines(rows: int, cols: int) -> Iterator[list[Position]]:
    for r in range(rows):
        yield [(r, c) for c in range(cols)]
    for c in range(cols):
        yield [(r, c) for r in range(rows)]


def _shape(grid: Sequence[Sequence[Cell]]) -> tuple[int, int]:
    rows, cols = len(grid), len(grid[0]) if grid else 0
    if rows < 2 or cols < 2 or any(len(row) != cols for row in grid):
        raise ValueError("a table with at least one inner row and column, and its margins")
    return rows, cols


def _partner(
    grid: Sequence[Sequence[Cell]], line: list[Position], hidden: set[Position]
) -> Position | None:
    rows, cols = len(grid), len(grid[0])

    def rank(p: Position) -> tuple[int, int, int]:
        cell = grid[p[0]][p[1]]
        margin = p[0] == rows - 1 or p[1] == cols - 1
        return (cell.people == 0, margin, cell.value)

    candidates = [p for p in line if p not in hidden]
    return min(candidates, key=rank) if candidates else None


def suppress(grid: Sequence[Sequence[Cell]], threshold: int) -> set[Position]:
    """The positions to publish as suppressed (primary and secondary)."""
    rows, cols = _shape(grid)
    hidden = {(r, c) for r in range(rows) for c in range(cols) if 0 < grid[r][c].people < threshold}
    changed = bool(hidden)
    while changed:
        changed = False
        for line in _lines(rows, cols):
            if sum(p in hidden for p in line) == 1:
                partner = _partner(grid, line, hidden)
                if partner is not None:
                    hidden.add(partner)
                    changed = True
    return hidden


def problems(grid: Sequence[Sequence[Cell]], hidden: set[Position], threshold: int) -> list[str]:
    """What is wrong with publishing `grid` less `hidden`: a published cell of 1 to
    threshold - 1 people, or a line whose one suppressed entry its total gives away."""
    rows, cols = _shape(grid)
    found = [
        f"cell {r},{c} published from fewer than {threshold} people"
        for r in range(rows)
        for c in range(cols)
        if (r, c) not in hidden and 0 < grid[r][c].people < threshold
    ]
    for line in _lines(rows, cols):
        alone = [p for p in line if p in hidden]
        if len(alone) == 1:
            found.append(f"cell {alone[0][0]},{alone[0][1]} recoverable from its line's total")
    return found
