"""Plaintext comes out through the gate only (P03, P05, P11).

A caller names the table and the encrypted columns it wants. Their categories come from
the catalogue; the gate decides (role x purpose x category, a processor's contract, a
customer's own record) and audits; only then are the values decrypted:

    name, email = ctx.reveal(Customer, row, ("name_ct", "email_ct"), operation=..., subject=...)
    values = ctx.reveal_rows(Customer, rows, COLUMNS, operation=..., subjects=[...])

`Context.check` returns the decision it made as a `Grant`. An operation that decides before
it loads its rows (so that a refused caller learns nothing, not even whether a record
exists), or that opens several things under one decision (one audit record), opens
through its grant. A grant opens only columns whose categories it was given, and only the
gate issues grants. The keyring's decrypting functions are private to this package;
`tests/privacy/test_only_the_gate_decrypts.py` fails on any use of them elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table

from imbplus.errors import Erased
from imbplus.privacy.catalog import (
    CATEGORY_IN_ROW,
    Action,
    Category,
    categories_in_rows,
    categories_of,
)

if TYPE_CHECKING:
    from imbplus.privacy.access import Context

TableRef = str | type[Any] | Table  # a table name, a mapped class or a Core table
BY_GATE = object()  # only `Gate.check` holds it, so only the gate issues grants


class NotGranted(RuntimeError):
    """A grant was asked for a category it was not given (a mistake in the calling code)."""


def table_name(table: TableRef) -> str:
    if isinstance(table, str):
        return table
    if isinstance(table, Table):
        return table.name
    return str(table.__tablename__)


def categories_for(
    table: str, columns: tuple[str, ...], rows: Sequence[Any]
) -> frozenset[Category]:
    """The categories of these encrypted columns: the catalogue's, or for a table whose rows
    name the category of their values (the outbox), what the rows say."""
    found = categories_of(table, columns)
    if columns and rows and table in CATEGORY_IN_ROW:
        return categories_in_rows(table, rows)
    return found


class Grant:
    """A decision of the gate: `action` on `categories` of the data of `subjects`, for one
    operation of one context. It opens the values of those categories, nothing else."""

    __slots__ = ("action", "categories", "ctx", "operation", "subjects")

    def __init__(
        self,
        ctx: Context,
        action: Action,
        categories: frozenset[Category],
        operation: str,
        subjects: Sequence[str | None],
        *,
        issued_by: object,
    ) -> None:
        if issued_by is not BY_GATE:
            raise TypeError("only the gate issues grants")
        self.ctx = ctx
        self.action = action
        self.categories = categories
        self.operation = operation
        self.subjects = tuple(subjects)

    def reveal(
        self,
        table: TableRef,
        row: Any,
        columns: Sequence[str],
        *,
        key: str = "id",
        empty: str | None = None,
    ) -> list[str]:
        """The plaintext of `columns` of one row, in that order. An empty column raises
        `Erased`, or reveals as `empty` when one is given. `key` names the attribute holding
        the id the values are bound to."""
        name, cols = table_name(table), tuple(columns)
        self._covers(name, cols, (row,))
        return self._open(
            name, str(getattr(row, key)), cols, [getattr(row, c) for c in cols], empty
        )

    def reveal_one(
        self, table: TableRef, row: Any, column: str, *, key: str = "id", empty: str | None = None
    ) -> str:
        return self.reveal(table, row, (column,), key=key, empty=empty)[0]

    def reveal_rows(
        self,
        table: TableRef,
        rows: Sequence[Any],
        columns: Sequence[str],
        *,
        key: str = "id",
        empty: str | None = None,
    ) -> list[list[str]]:
        """`reveal` for many rows (lists, exports, batches): the keys are fetched together."""
        name, cols = table_name(table), tuple(columns)
        self._covers(name, cols, rows)
        id_of = attrgetter(key)
        items: list[tuple[str, Sequence[bytes | None]]]
        if len(cols) > 1:
            blobs_of = attrgetter(*cols)  # a tuple per row, the fast way
            items = [(str(id_of(r)), blobs_of(r)) for r in rows]
        else:
            items = [(str(id_of(r)), [getattr(r, c) for c in cols]) for r in rows]
        if empty is None:
            return self.ctx.keyring._open_rows(self.ctx.session, name, cols, items)
        return [self._open(name, row_id, cols, blobs, empty) for row_id, blobs in items]

    def _covers(self, table: str, columns: tuple[str, ...], rows: Sequence[Any]) -> None:
        missing = categories_for(table, columns, rows) - self.categories
        if missing:
            raise NotGranted(
                f"{self.operation}: {table} holds {sorted(c.value for c in missing)}, "
                "which this decision of the gate does not cover"
            )

    def _open(
        self,
        table: str,
        row_id: str,
        columns: tuple[str, ...],
        blobs: Sequence[bytes | None],
        empty: str | None,
    ) -> list[str]:
        keyring, session = self.ctx.keyring, self.ctx.session
        if None not in blobs:
            return keyring._open_row(session, table, row_id, columns, blobs)  # type: ignore[arg-type]
        if empty is None:
            raise Erased("this value was erased", table=table, record=row_id)
        present = [(c, b) for c, b in zip(columns, blobs, strict=True) if b is not None]
        opened = iter(
            keyring._open_row(
                session, table, row_id, [c for c, _ in present], [b for _, b in present]
            )
        )
        return [empty if b is None else next(opened) for b in blobs]
