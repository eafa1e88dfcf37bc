"""Console page of the evidence report (B04), for the DPO and administrators."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import RedirectResponse, Response

from imbplus.privacy import evidence
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Purpose
from imbplus.web.deps import Db, get_runtime
from imbplus.web.guards import STAFF_PAGES
from imbplus.web.pages import User, render

router = APIRouter(prefix="/console/evidence", include_in_schema=False, dependencies=STAFF_PAGES)


def _ctx(request: Request, session: Db, user: User) -> Context:
    return Context(
        session, get_runtime(request), user.actor, Purpose.SECURITY, request.state.request_id
    )


@router.get("")
def show(request: Request, session: Db, user: User, started: bool = False) -> Response:
    report = evidence.read_report(_ctx(request, session, user))
    return render(request, "console/evidence.html", user=user, report=report, started=started)


@router.post("")
def run(
    request: Request,
    session: Db,
    user: User,
    tasks: BackgroundTasks,
) -> Response:
    evidence.read_report(_ctx(request, session, user))  # same permission as reading
    # The checks use their own units of work; they run once this request has committed.
    tasks.add_task(evidence.run_all, get_runtime(request))
    return RedirectResponse("/console/evidence?started=1", status_code=303)
