"""Retention (P13): a schedule per data category with its legal basis and period, legal holds,
and a purge run (on demand or scheduled, with a dry run) that writes a receipt for every
rule it applied.

Domains register rules in the modules their plugin names (imbplus.plugin, `retention`). A
rule's `purge` deletes (or anonymizes) what is older than the cutoff, skips subjects under a
legal hold, and returns how many records it removed; in a dry run it only counts.
`purge_rows` builds the usual one: the rows a condition selects, counted, checked and
deleted (or cleared) in one statement.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, func, select, update

from imbplus.clock import clock
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category, Purpose
from imbplus.privacy.retention_models import DeletionReceipt, LegalHold
from imbplus.runtime import Runtime
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
    apply: Callable[[Runtime, datetime, bool], int] | None = None


_RULES: dict[str, Rule] = {}


def register(rule: Rule) -> None:
    _RULES[rule.name] = rule


def schedule() -> list[Rule]:
    from imbplus import domains

    domains.load("retention")
    return sorted(_RULES.values(), key=lambda r: (r.category.value, r.name))


def held_subjects(ctx: Context) -> frozenset[str]:
    rows = ctx.session.execute(
        select(LegalHold.subject_id).where(LegalHold.released_at.is_(None))
    ).scalars()
    return frozenset(rows)


@dataclass(frozen=True)
class Result:
    rule: str
    category: str
    cutoff: datetime
    count: int
    dry_run: bool
    receipt_id: int | None


def run(
    rt: Runtime,
    *,
    dry_run: bool = False,
    only: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Result]:
    """Apply every rule (or `only` one), each in its own unit of work, with a receipt."""
    rules = [r for r in schedule() if only is None or r.name == only]
    if only is not None and not rules:
        from imbplus.errors import NotFound

        raise NotFound("no retention rule with this name", rule=only[:64])
    results = []
    for rule in rules:
        cutoff = clock.now() - rule.period(rt.settings)
        count = rule.apply(rt, cutoff, dry_run) if rule.apply is not None else 0
        with rt.job("retention", Purpose.LEGAL_OBLIGATION) as ctx:
            if rule.purge is not None:
                count = rule.purge(ctx, cutoff, held_subjects(ctx), dry_run)
            receipt_id = None

            if not dry_run:
                receipt = DeletionReceipt(
                    rule=rule.name,
                    category=rule.category.value,
                    cutoff=cutoff,
                    count=count,
                    legal_basis=rule.legal_basis[:255],
                    ran_at=clock.now(),
                    request_id=ctx.request_id,
                )
                ctx.session.add(receipt)
                ctx.session.flush()
                receipt_id = receipt.id
                ctx.note(
                    "retention.purged",
                    categories=rule.category.value,
                    reason=f"rule={rule.name} count={count} receipt={receipt_id}",
                )
        results.append(Result(rule.name, rule.category.value, cutoff, count, dry_run, receipt_id))
        if progress:
            progress(rule.name)
    return results


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


def add_hold(ctx: Context, subject_id: str, reason: str) -> LegalHold:
    hold = LegalHold(
        subject_id=subject_id[:64],
        reason=reason[:255],
        created_at=clock.now(),
        created_by=ctx.actor.label[:64],
    )
    ctx.session.add(hold)
    ctx.session.flush()
    ctx.note("retention.hold_added", subject=subject_id, reason=f"hold:{hold.id}")
    return hold


def release_hold(ctx: Context, hold_id: int) -> None:
    from imbplus.errors import NotFound

    hold = ctx.session.get(LegalHold, hold_id)
    if hold is None or hold.released_at is not None:
        raise NotFound("no active legal hold with this id", hold=hold_id)
    hold.released_at = clock.now()
    ctx.session.flush()
    ctx.note("retention.hold_released", subject=hold.subject_id, reason=f"hold:{hold.id}")
