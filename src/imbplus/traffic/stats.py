"""Traffic statistics for staff, from the masked request log only (P21)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import case, distinct, func, select
from sqlalchemy.orm import Session

from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category
from imbplus.traffic.models import MaskedRequest as M

TOP = 15


@dataclass(frozen=True)
class Day:
    day: date
    requests: int
    visitors: int  # distinct masked networks: an estimate, several people share a network
    errors: int


@dataclass
class Traffic:
    since: date
    until: date
    days: list[Day]
    pages: list[tuple[str, int]] = field(default_factory=list)
    referrers: list[tuple[str, int]] = field(default_factory=list)
    errors: list[tuple[int, str, int]] = field(default_factory=list)
    networks: list[tuple[str, int, int]] = field(default_factory=list)
    languages: list[tuple[str, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(d.requests for d in self.days)


def traffic(ctx: Context, since: date, until: date) -> Traffic:
    ctx.check(Action.READ, {Category.WEB_REQUEST_LOG}, operation="traffic.statistics")
    session = ctx.session
    span = (M.day >= since, M.day <= until)
    found = Traffic(since, until, _days(session, span, since, until))
    hits = func.count().label("hits")

    def top(*columns: Any, where: Any = None, order: tuple[Any, ...] = ()) -> list[Any]:
        stmt = select(*columns, hits).where(*span)
        if where is not None:
            stmt = stmt.where(where)
        stmt = stmt.group_by(*columns).order_by(hits.desc(), *(order or columns)).limit(TOP)
        return [tuple(row) for row in session.execute(stmt)]

    found.pages = top(M.route, where=M.status < 400)
    found.referrers = top(M.referrer_domain, where=M.referrer_domain.is_not(None))
    found.errors = top(M.status, M.route, where=M.status >= 400)
    found.networks = [
        (r.network, r.hits, r.days)
        for r in session.execute(
            select(M.network, hits, func.count(distinct(M.day)).label("days"))
            .where(*span)
            .group_by(M.network)
            .order_by(hits.desc(), M.network)
            .limit(TOP)
        )
    ]
    found.languages = [
        (r.lang, r.hits)
        for r in session.execute(
            select(M.lang, hits).where(*span).group_by(M.lang).order_by(hits.desc(), M.lang)
        )
    ]
    return found


def _days(session: Session, span: tuple[Any, ...], since: date, until: date) -> list[Day]:
    """Requests, visitors (networks) and errors per day, every day of the span."""
    per_day = {
        row.day: Day(row.day, row.requests, row.visitors, int(row.errors or 0))
        for row in session.execute(
            select(
                M.day,
                func.count().label("requests"),
                func.count(distinct(M.network)).label("visitors"),
                func.sum(case((M.status >= 400, 1), else_=0)).label("errors"),
            )
            .where(*span)
            .group_by(M.day)
        )
    }
    return [
        per_day.get(since + timedelta(days=i), Day(since + timedelta(days=i), 0, 0, 0))
        for i in range((until - since).days + 1)
    ]


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


def bars(values: list[tuple[str, int]], width: float = 720, height: float = 140) -> list[Bar]:
    """Geometry of a server-rendered SVG bar chart (no script, no inline style)."""
    if not values:
        return []
    top = max(v for _, v in values) or 1
    step = width / len(values)
    return [
        Bar(
            x=round(i * step + step * 0.1, 1),
            y=round(height - height * v / top, 1),
            width=round(step * 0.8, 1),
            height=round(height * v / top, 1),
            label=label,
            value=v,
        )
        for i, (label, v) in enumerate(values)
    ]
