"""Retention (P13): the schedule (every domain's rules), legal holds, and the purge run (on
demand or scheduled, with a dry run) that writes a receipt for every rule it applied. The
rules themselves are declared by the domains in `imbplus.privacy.retention_rules`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from imbplus.clock import clock
from imbplus.compliance.retention_models import DeletionReceipt, LegalHold
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Purpose
from imbplus.privacy.retention_rules import (  # the rules' API, for callers of the schedule
    _RULES,
    Expired,
    Purge,
    Rule,
    days,
    purge_rows,
    register,
    rules,
)
from imbplus.runtime import Runtime


def schedule() -> list[Rule]:
    return rules()


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
    """Apply every rule (or `only` one), each in its own unit of work, with a receipt. A run
    that deletes holds the job's lease: a second one at the same time, on any host, raises
    `LeaseTaken` before it does anything."""
    rules = [r for r in schedule() if only is None or r.name == only]
    if only is not None and not rules:
        from imbplus.errors import NotFound

        raise NotFound("no retention rule with this name", rule=only[:64])
    if dry_run:
        return _apply(rt, rules, dry_run, progress)
    with rt.lease("retention"):
        return _apply(rt, rules, dry_run, progress)


def _apply(
    rt: Runtime, rules: list[Rule], dry_run: bool, progress: Callable[[str], None] | None
) -> list[Result]:
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


__all__ = [
    "_RULES",
    "Expired",
    "Purge",
    "Result",
    "Rule",
    "add_hold",
    "days",
    "held_subjects",
    "purge_rows",
    "register",
    "release_hold",
    "rules",
    "run",
    "schedule",
]
