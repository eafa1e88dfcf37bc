"""Anonymous usage statistics of the public pages (P18).

Every view of a public page adds one to a counter per page and day; nothing about the
visitor is kept. Only a browser that consented to statistics also gets the `imb_stats`
cookie, which holds the date of its last visit and nothing else: enough to count new and
returning visitors per day without any identifier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from imbplus.clock import clock
from imbplus.site.models import DailyVisitors, PageViews

_DAY = re.compile(r"^[0-9]{8}$")


def _bump(session: Session, table: Any, keys: dict[str, Any], column: str) -> None:
    """INSERT ... ON CONFLICT DO UPDATE column = column + 1 (SQLite and PostgreSQL)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(table).values(**keys, **{column: 1})
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys), set_={column: getattr(table, column) + 1}
    )
    session.execute(stmt)


def _cookie_day(value: str | None) -> date | None:
    if not value or not _DAY.fullmatch(value):
        return None
    try:
        return datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        return None


def record_view(
    session: Session, page: str, *, statistics_consent: bool, last_visit: str | None
) -> str | None:
    """Count one view; with consent also the visitor. Returns the new `imb_stats` value
    when the cookie should be (re)set, else None."""
    today = clock.now().date()
    _bump(session, PageViews, {"day": today, "path": page[:64]}, "views")
    if not statistics_consent:
        return None
    seen = _cookie_day(last_visit)
    if seen == today:
        return None
    column = "returning_visitors" if seen is not None and seen < today else "new_visitors"
    _bump(session, DailyVisitors, {"day": today}, column)
    return today.strftime("%Y%m%d")


@dataclass(frozen=True)
class DayFigures:
    day: date
    views: int
    new_visitors: int
    returning_visitors: int


def daily(session: Session, days: int = 14) -> list[DayFigures]:
    since = date.fromordinal(clock.now().date().toordinal() - days + 1)
    views: dict[date, int] = {}
    for day, count in session.execute(
        select(PageViews.day, PageViews.views).where(PageViews.day >= since)
    ):
        views[day] = views.get(day, 0) + count
    visitors = {
        v.day: v
        for v in session.execute(select(DailyVisitors).where(DailyVisitors.day >= since)).scalars()
    }
    out = []
    for day in sorted(set(views) | set(visitors), reverse=True):
        v = visitors.get(day)
        out.append(
            DayFigures(
                day,
                views.get(day, 0),
                v.new_visitors if v else 0,
                v.returning_visitors if v else 0,
            )
        )
    return out


def top_pages(session: Session, days: int = 14) -> list[tuple[str, int]]:
    since = date.fromordinal(clock.now().date().toordinal() - days + 1)
    totals: dict[str, int] = {}
    for path, count in session.execute(
        select(PageViews.path, PageViews.views).where(PageViews.day >= since)
    ):
        totals[path] = totals.get(path, 0) + count
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))
