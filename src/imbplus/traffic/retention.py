"""Retention of the request log (P21, P13): full addresses 7 days, masked ones 13 months.

Runs as the `request_log_retention` system job (`imbplus traffic purge`), deletes in small
transactions, and records one audit event with the counts and cut-off times.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, select

from imbplus.clock import clock
from imbplus.privacy.catalog import Action, Category, Purpose
from imbplus.runtime import Runtime
from imbplus.traffic import limits
from imbplus.traffic.models import FullRequest, MaskedRequest

CHUNK = 5000
LIMIT_HITS_DAYS = 1  # form and token counters matter for minutes; a day is plenty
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class PurgeReport:
    full_cutoff: datetime
    masked_cutoff: date
    full_ip: int
    masked: int
    limit_hits: int
    dry_run: bool


def months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _count(
    rt: Runtime, table: type[FullRequest] | type[MaskedRequest], expired: ColumnElement[bool]
) -> int:
    with rt.sessions() as s:
        return int(s.execute(select(func.count()).select_from(table).where(expired)).scalar_one())


def _delete(
    rt: Runtime,
    table: type[FullRequest] | type[MaskedRequest],
    expired: ColumnElement[bool],
    phase: str,
    progress: Progress | None,
) -> int:
    total = _count(rt, table, expired)
    done = 0
    while done < total:
        with rt.unit_of_work() as s:
            ids = select(table.id).where(expired).limit(CHUNK).scalar_subquery()
            removed = int(s.execute(delete(table).where(table.id.in_(ids))).rowcount or 0)  # type: ignore[attr-defined]
        if removed == 0:
            break
        done += removed
        if progress:
            progress(phase, min(done, total), total)
    return done


def purge(rt: Runtime, *, dry_run: bool = False, progress: Progress | None = None) -> PurgeReport:
    now = clock.now()
    full_cutoff = now - timedelta(days=rt.settings.request_log_ip_days)
    masked_cutoff = months_before(now.date(), rt.settings.request_log_masked_months)
    full_expired = FullRequest.at < full_cutoff
    masked_expired = MaskedRequest.day < masked_cutoff
    with rt.job("request_log_retention", Purpose.SECURITY) as ctx:
        ctx.check(Action.DELETE, {Category.WEB_REQUEST_LOG}, operation="request_log.purge")
    if dry_run:
        full, masked, hits = (
            _count(rt, FullRequest, full_expired),
            _count(rt, MaskedRequest, masked_expired),
            0,
        )
    else:
        full = _delete(rt, FullRequest, full_expired, "full addresses", progress)
        masked = _delete(rt, MaskedRequest, masked_expired, "masked lines", progress)
        with rt.unit_of_work() as s:
            hits = limits.purge(s, clock.now_us() - LIMIT_HITS_DAYS * 86_400_000_000)
    with rt.job("request_log_retention", Purpose.SECURITY) as ctx:
        ctx.note(
            "request_log.purge_dry_run" if dry_run else "request_log.purged",
            reason=f"full_ip={full} masked={masked} limit_hits={hits} "
            f"full_before={full_cutoff.isoformat(timespec='seconds')} "
            f"masked_before={masked_cutoff.isoformat()}",
        )
    return PurgeReport(full_cutoff, masked_cutoff, full, masked, hits, dry_run)


# -- the shared retention schedule (privacy.retention) -----------------------------------
def _apply_full(rt: Runtime, cutoff: datetime, dry_run: bool) -> int:
    expired = FullRequest.at < cutoff
    if dry_run:
        return _count(rt, FullRequest, expired)
    return _delete(rt, FullRequest, expired, "full addresses", None)


def _apply_masked(rt: Runtime, _cutoff: datetime, dry_run: bool) -> int:
    day = months_before(clock.now().date(), rt.settings.request_log_masked_months)
    expired = MaskedRequest.day < day
    if dry_run:
        return _count(rt, MaskedRequest, expired)
    removed = _delete(rt, MaskedRequest, expired, "masked lines", None)
    with rt.unit_of_work() as s:
        limits.purge(s, clock.now_us() - LIMIT_HITS_DAYS * 86_400_000_000)
    return removed


def _register() -> None:
    from imbplus.privacy import retention_rules

    retention_rules.register(
        retention_rules.Rule(
            name="traffic.full_ip",
            category=Category.WEB_REQUEST_LOG,
            period=lambda s: timedelta(days=s.request_log_ip_days),
            legal_basis="security and administration (P21): full addresses only briefly",
            description="Request-log lines with the full (encrypted) client address.",
            apply=_apply_full,
        )
    )
    retention_rules.register(
        retention_rules.Rule(
            name="traffic.masked",
            category=Category.WEB_REQUEST_LOG,
            period=lambda s: timedelta(days=round(s.request_log_masked_months * 30.44)),
            legal_basis="traffic statistics (P21) from masked addresses, 13 months",
            description="Request-log lines with the masked address (/24, /48) for statistics.",
            apply=_apply_masked,
        )
    )


_register()
