"""Console page of web traffic statistics (P21), built from masked addresses only."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from imbplus.clock import clock
from imbplus.traffic import stats
from imbplus.web.guards import STAFF_PAGES
from imbplus.web.pages import ConsoleContext, User, render

router = APIRouter(prefix="/console/traffic", include_in_schema=False, dependencies=STAFF_PAGES)


@router.get("")
def traffic(
    request: Request,
    user: User,
    ctx: ConsoleContext,
    days: Annotated[int, Query(ge=1, le=400)] = 30,
) -> Response:
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
