"""Console page of incidents and the 72-hour clock (B05), for the DPO."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from imbplus.bounds import RowId
from imbplus.privacy import incidents
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Category
from imbplus.web import menu
from imbplus.web.deps import Db
from imbplus.web.guards import STAFF_PAGES
from imbplus.web.pages import User, console_context, page_guard, render

router = APIRouter(prefix="/console/incidents", include_in_schema=False, dependencies=STAFF_PAGES)
PAGE = menu.page("incidents", "/console/incidents", {Category.AUDIT_RECORD}, order=110)


def _ctx(request: Request, session: Db, user: User) -> Context:
    # the purpose the member of staff chose is the one every read here records
    return console_context(request, session, user)


@router.get("", dependencies=[page_guard(PAGE)])
def show(request: Request, session: Db, user: User) -> Response:
    rows = incidents.listing(_ctx(request, session, user), include_closed=True)
    view = [
        {"i": i, "overdue": incidents.overdue(i), "hours_left": incidents.hours_left(i)}
        for i in rows
    ]
    return render(
        request, "console/incidents.html", user=user, incidents=view, statuses=incidents.STATUSES
    )


@router.post("/scan")
def scan(request: Request, session: Db, user: User) -> Response:
    incidents.scan(_ctx(request, session, user))
    return RedirectResponse("/console/incidents", status_code=303)


@router.post("/{incident_id}")
def update(
    request: Request,
    session: Db,
    user: User,
    incident_id: RowId,
    status: Annotated[str, Form(max_length=16)],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    incidents.update(_ctx(request, session, user), incident_id, status=status, note=note)
    return RedirectResponse("/console/incidents", status_code=303)
