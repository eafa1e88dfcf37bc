"""P18: usage statistics without any identifier unless the visitor consented, and even
then only the date of the last visit."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select

from imbplus.clock import clock
from imbplus.runtime import Runtime
from imbplus.site import stats
from imbplus.site.models import DailyVisitors, PageViews
from tests.support.site import decide


def figures(client: TestClient, rt: Runtime) -> tuple[dict[str, int], tuple[int, int]]:
    """What is stored once this worker's counts are written (the flusher does it every
    second; here it is called right away)."""
    client.app.state.view_counts.flush()  # type: ignore[attr-defined]
    with rt.unit_of_work() as s:
        views = {p.path: p.views for p in s.execute(select(PageViews)).scalars()}
        visitors = s.execute(select(DailyVisitors)).scalars().all()
    new = sum(v.new_visitors for v in visitors)
    returning = sum(v.returning_visitors for v in visitors)
    return views, (new, returning)


def test_p18_without_consent_only_page_views_are_counted(client: TestClient, rt: Runtime) -> None:
    for path in ("/", "/offer", "/offer", "/en/offer", "/privacy/versions/7"):
        client.get(path)
    views, visitors = figures(client, rt)
    assert views == {"/": 1, "/offer": 3}  # a 404 is not a view of a page
    assert visitors == (0, 0)
    assert "imb_stats" not in client.cookies


def test_p18_with_consent_new_and_returning_visitors(client: TestClient, rt: Runtime) -> None:
    decide(client, "choose", statistics="on")
    client.get("/")
    client.get("/offer")  # the same day: not counted again
    assert figures(client, rt)[1] == (1, 0)
    assert client.cookies["imb_stats"] == clock.now().strftime("%Y%m%d")
    clock.advance(2 * 86_400)
    client.get("/help")
    assert figures(client, rt)[1] == (1, 1)


def test_the_statistics_cookie_value_is_only_a_date(rt: Runtime) -> None:
    counts = stats.ViewCounts(rt.sessions)
    assert stats.record_view(counts, "/", statistics_consent=True, last_visit="<script>") == (
        clock.now().strftime("%Y%m%d")
    )
    assert stats.record_view(counts, "/", statistics_consent=False, last_visit=None) is None
    assert counts.flush() == 3  # two views, one new visitor
    with rt.unit_of_work() as s:
        days = stats.daily(s)
    assert days[0].day == clock.now().date() and days[0].views == 2
    assert days[0].new_visitors == 1
    assert isinstance(days[0].day, date)
