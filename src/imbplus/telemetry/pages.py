"""Staff console page of telemetry analytics, as server-rendered SVG charts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from imbplus.telemetry import charts, queries, readable
from imbplus.telemetry.store import Store
from imbplus.web import menu
from imbplus.web.deps import get_runtime
from imbplus.web.guards import STAFF_PAGES
from imbplus.web.pages import ConsoleContext, User, render, require_page

router = APIRouter(prefix="/console/telemetry", include_in_schema=False, dependencies=STAFF_PAGES)
PAGE = menu.page(
    "telemetry",
    "/console/telemetry",
    queries.ACTIVITY,
    serves={p for served in queries.REPORT_PURPOSES.values() for p in served},
    order=30,
)


@router.get("")
def stats(
    request: Request,
    user: User,
    ctx: ConsoleContext,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
) -> Response:
    require_page(ctx, PAGE)
    store = Store(get_runtime(request).settings.telemetry_root)
    reports = queries.reports_for(ctx.purpose)
    view: dict[str, Any] = {"reports": reports, "days": days}
    if "health" in reports:
        h = queries.health(ctx, store, days)
        view["health"] = h
        view["error_chart"] = charts.bars(
            [(f"{r['model']} {r['firmware']}", float(r["errors_per_1000"])) for r in h.by_firmware],
            "Errors per 1,000 events by model and firmware",
            color=charts.BAD,
        )
        view["daily_chart"] = charts.line(
            [(str(r["day"]), float(r["events"])) for r in h.daily], "Events per day"
        )
    if "trends" in reports:
        t = queries.trends(ctx, store, days)
        view["trends"] = t
        view["heatmap"] = charts.heatmap(
            {(int(c["weekday"]), int(c["hour"])): float(c["plays"]) for c in t.heatmap},
            "Channel plays by weekday and local hour",
        )
        view["channel_chart"] = charts.bars(
            [(str(c["channel"]), float(c["plays"])) for c in t.channels], "Top channels (plays)"
        )
    if "vod" in reports:
        vod = queries.vod_top(ctx, store, days)
        view["vod"] = vod
        view["vod_chart"] = charts.bars(
            [(str(v["content_id"]), float(v["plays"])) for v in vod[:15]], "VOD top titles"
        )
    if "regions" in reports:
        view["regions"] = queries.regions(ctx, store, days)
    view["unreadable"] = sorted(readable.broken(store).items())
    return render(request, "console/telemetry.html", user=user, purpose=ctx.purpose, **view)
