"""Console page of web traffic statistics (P21), built from masked addresses only."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from imbplus.clock import clock
from imbplus.privacy.catalog import Category, Purpose
from imbplus.traffic import stats
from imbplus.web import menu
from imbplus.web.guards import STAFF_PAGES
from imbplus.web.pages import ConsoleContext, User, render, require_page

router = APIRouter(prefix="/console/traffic", include_in_schema=False, dependencies=STAFF_PAGES)
PAGE = menu.page(
    "traffic",
    "/console/traffic",
    {Category.WEB_REQUEST_LOG},
    serves={Purpose.TRAFFIC_STATISTICS},
    order=80,
)


@router.get("")
def traffic(
    request: Request,
    user: User,
    ctx: ConsoleContext,
    days: Annotated[int, Query(ge=1, le=400)] = 30,
) -> Response:
    require_page(ctx, PAGE)
    until = clock.now().date()
    found = stats.traffic(ctx, until - timedelta(days=days - 1), until)
    return render(
        request,
        "console/traffic.html",
        user=user,
        purpose=ctx.purpose,
        traffic=found,
        days=days,
        request_bars=stats.bars([(d.day.isoformat(), d.requests) for d in found.days]),
        visitor_bars=stats.bars([(d.day.isoformat(), d.visitors) for d in found.days]),
    )
