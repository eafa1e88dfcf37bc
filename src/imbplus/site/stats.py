"""Anonymous usage statistics of the public pages (P18).

Every view of a public page adds one to a counter per page and day; nothing about the
visitor is kept. Only a browser that consented to statistics also gets the `imb_stats`
cookie, which holds the date of its last visit and nothing else: enough to count new and
returning visitors per day without any identifier.

A view costs the request no database write: it is added to this worker's `ViewCounts` in
memory, and a background flusher (`imbplus.web.buffer`) writes the merged counts every
second, one UPSERT per (day, page) adding that interval's views, and once more at shutdown.
Workers each keep their own counts; the UPSERTs add up. A crash loses at most the last
second's views; a failed write keeps the counts for the next try.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from imbplus.clock import clock
from imbplus.site.models import DailyVisitors, PageViews

_DAY = re.compile(r"^[0-9]{8}$")


def _add(session: Session, table: Any, keys: dict[str, Any], column: str, count: int) -> None:
    """INSERT ... ON CONFLICT DO UPDATE column = column + count (SQLite and PostgreSQL)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(table).values(**keys, **{column: count})
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys), set_={column: getattr(table, column) + count}
    )
    session.execute(stmt)


class ViewCounts:
    """This worker's page views and visitors not yet written, merged per key."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        self._lock = threading.Lock()  # views are counted on the server's worker threads
        self._flushing = threading.Lock()  # one write at a time (flusher, shutdown, tests)
        self._views: Counter[tuple[date, str]] = Counter()
        self._visitors: Counter[tuple[date, str]] = Counter()

    def add(self, view: View) -> None:
        with self._lock:
            self._views[view.day, view.page[:64]] += 1
            if view.visitor is not None:
                self._visitors[view.day, view.visitor] += 1

    def add_view(self, day: date, page: str) -> None:
        with self._lock:
            self._views[day, page[:64]] += 1

    def add_visitor(self, day: date, column: str) -> None:
        with self._lock:
            self._visitors[day, column] += 1

    @property
    def pending(self) -> int:
        with self._lock:
            return sum(self._views.values()) + sum(self._visitors.values())

    def _take(self) -> tuple[Counter[tuple[date, str]], Counter[tuple[date, str]]]:
        with self._lock:
            taken = self._views, self._visitors
            self._views, self._visitors = Counter(), Counter()
            return taken

    def _give_back(
        self, views: Counter[tuple[date, str]], visitors: Counter[tuple[date, str]]
    ) -> None:
        with self._lock:
            self._views.update(views)
            self._visitors.update(visitors)

    def flush(self) -> int:
        """Write every waiting count in one transaction; returns how many were written.
        On failure the counts stay for the next flush and the error is raised."""
        with self._flushing:
            views, visitors = self._take()
            if not views and not visitors:
                return 0
            try:
                with self.sessions() as session:
                    # sorted: workers flushing together take the rows' locks in one order
                    for (day, page), count in sorted(views.items()):
                        _add(session, PageViews, {"day": day, "path": page}, "views", count)
                    for (day, column), count in sorted(visitors.items()):
                        _add(session, DailyVisitors, {"day": day}, column, count)
                    session.commit()
            except BaseException:
                self._give_back(views, visitors)
                raise
            return sum(views.values()) + sum(visitors.values())


def _cookie_day(value: str | None) -> date | None:
    if not value or not _DAY.fullmatch(value):
        return None
    try:
        return datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        return None


@dataclass(frozen=True)
class View:
    """One view of a page, and the visitor column it adds one to (None: not counted)."""

    day: date
    page: str
    visitor: str | None

    @property
    def cookie(self) -> str | None:
        """The new `imb_stats` value when the cookie should be (re)set, else None."""
        return self.day.strftime("%Y%m%d") if self.visitor else None


def view_of(page: str, *, statistics_consent: bool, last_visit: str | None) -> View:
    """A view of `page` today; with consent the visitor too, new or returning."""
    today = clock.now().date()
    if not statistics_consent:
        return View(today, page, None)
    seen = _cookie_day(last_visit)
    if seen == today:
        return View(today, page, None)
    column = "returning_visitors" if seen is not None and seen < today else "new_visitors"
    return View(today, page, column)


def record_view(
    counts: ViewCounts, page: str, *, statistics_consent: bool, last_visit: str | None
) -> str | None:
    """Count one view (in memory); returns the new `imb_stats` value or None."""
    view = view_of(page, statistics_consent=statistics_consent, last_visit=last_visit)
    counts.add(view)
    return view.cookie


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
