"""Retention rules (P13): the extension point where each domain states, per data category,
how long it keeps what and why, and how it purges what is past that (a `purge` in the
database, or an `apply` for files). The schedule and the purge run that reads them, with
legal holds and receipts, are in `imbplus.compliance.retention`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, func, select, update

from imbplus import plugin
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category
from imbplus.settings import Settings

Purge = Callable[[Context, datetime, frozenset[str], bool], int]
# The rows past their period as a condition: cutoff and the subjects under a legal hold.
Expired = Callable[[datetime, frozenset[str]], ColumnElement[bool]]


@dataclass(frozen=True)
class Rule:
    name: str
    category: Category
    period: Callable[[Settings], timedelta]
    legal_basis: str
    description: str
    purge: Purge | None = None
    # For stores outside the database (files): runs with the runtime, outside any unit of
    # work, and keeps its own records before it deletes; returns how many items it removed.
    apply: Callable[[Any, datetime, bool], int] | None = None


_RULES: dict[str, Rule] = {}


def register(rule: Rule) -> None:
    _RULES[rule.name] = rule


def rules() -> list[Rule]:
    """Every domain's rules, by category and name."""
    plugin.require("retention")
    return sorted(_RULES.values(), key=lambda r: (r.category.value, r.name))


def purge_rows(
    model: Any,
    expired: Expired,
    category: Category,
    operation: str,
    *,
    clear: Callable[[], dict[str, Any]] | None = None,
) -> Purge:
    """A purge of the rows of `model` that `expired` selects: counted (all a dry run does),
    then, when there are any, the deletion is checked against the policy for `category` and
    done in one statement; with `clear`, the rows stay and the columns it names are set to
    the values it returns (e.g. a box's last address removed, the box kept)."""

    def purge(ctx: Context, cutoff: datetime, held: frozenset[str], dry_run: bool) -> int:
        where = expired(cutoff, held)
        counted = select(func.count()).select_from(model).where(where)
        count = int(ctx.session.execute(counted).scalar_one())
        if dry_run or count == 0:
            return count
        ctx.check(Action.DELETE, {category}, operation=operation)
        if clear is None:
            ctx.session.execute(delete(model).where(where))
        else:
            ctx.session.execute(update(model).where(where).values(**clear()))
        return count

    return purge


def days(n: int) -> Callable[[Settings], timedelta]:
    return lambda _settings: timedelta(days=n)
