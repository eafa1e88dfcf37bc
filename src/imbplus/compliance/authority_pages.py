"""Console pages of requests from authorities (P07), for the DPO: the register and a new
request, one request with its approval or refusal by a second person, its fulfilment and
the bundle's download. Purpose `legal_obligation`; the gate lets only the DPO role in."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from imbplus.bounds import RowId
from imbplus.compliance import authority, authority_bundle
from imbplus.privacy import releases
from imbplus.privacy.access import Context
from imbplus.privacy.authority_requests import STATUSES
from imbplus.privacy.catalog import Category, Purpose
from imbplus.privacy.disclosure import AUTHORITY
from imbplus.telemetry.store import Store
from imbplus.web import i18n, menu
from imbplus.web.deps import Db, get_runtime
from imbplus.web.guards import STAFF_PAGES
from imbplus.web.pages import User, console_context, render, require_page

router = APIRouter(prefix="/console/authority", include_in_schema=False, dependencies=STAFF_PAGES)
PAGE = menu.page(
    "authority",
    "/console/authority",
    {Category.LEGAL_REQUEST},
    serves={Purpose.LEGAL_OBLIGATION},
    order=137,
)
Text = Annotated[str, Form(max_length=2000)]
Line = Annotated[str, Form(max_length=200)]
Day = Annotated[str, Form(max_length=10)]


def _ctx(request: Request, session: Db, user: User) -> Context:
    """The chosen purpose (legal_obligation: the page serves no other), checked in the
    handler, after the parameters' bounds: a malformed value is a 422 to anyone."""
    ctx = console_context(request, session, user)
    require_page(ctx, PAGE)
    return ctx


def _to(request: Request, path: str) -> RedirectResponse:
    return RedirectResponse(i18n.localized(i18n.lang_of(request.scope), path), status_code=303)


@router.get("")
def register_page(
    request: Request,
    session: Db,
    user: User,
    status: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    status = status if status in STATUSES else ""
    rows = authority.listing(_ctx(request, session, user), status=status or None)
    return render(
        request,
        "console/authority.html",
        user=user,
        rows=rows,
        status=status,
        statuses=STATUSES,
        authorities=releases.recipients(session, AUTHORITY),
        categories=[c.value for c in authority.SCOPE_CATEGORIES],
    )


@router.post("")
def enter(
    request: Request,
    session: Db,
    user: User,
    authority_id: Annotated[str, Form(max_length=64)],
    reference: Line,
    legal_basis: Line,
    received_on: Day,
    customers: Annotated[str, Form(max_length=4000)],
    categories: Annotated[list[str], Form(max_length=10)] = [],  # noqa: B006 - FastAPI
    period_from: Day = "",
    period_to: Day = "",
    bar_until: Day = "",
    notes: Text = "",
) -> Response:
    draft = authority.Draft(
        authority=authority_id,
        reference=reference,
        legal_basis=legal_basis,
        received_on=received_on,
        customers=customers.split(),
        categories=categories,
        period_from=period_from,
        period_to=period_to,
        bar_until=bar_until,
        notes=notes,
    )
    row = authority.add(_ctx(request, session, user), draft)
    return _to(request, f"/console/authority/{row.id}")


@router.get("/{request_id}")
def detail(request: Request, session: Db, user: User, request_id: RowId) -> Response:
    view = authority.view(_ctx(request, session, user), request_id)
    return render(request, "console/authority_request.html", user=user, v=view, r=view.request)


@router.post("/{request_id}/approve")
def approve(request: Request, session: Db, user: User, request_id: RowId, reason: Line) -> Response:
    authority.decide(_ctx(request, session, user), request_id, approve=True, reason=reason)
    return _to(request, f"/console/authority/{request_id}")


@router.post("/{request_id}/refuse")
def refuse(request: Request, session: Db, user: User, request_id: RowId, reason: Line) -> Response:
    authority.decide(_ctx(request, session, user), request_id, approve=False, reason=reason)
    return _to(request, f"/console/authority/{request_id}")


@router.post("/{request_id}/close")
def close(
    request: Request, session: Db, user: User, request_id: RowId, reason: Line = ""
) -> Response:
    authority.close(_ctx(request, session, user), request_id, reason=reason)
    return _to(request, f"/console/authority/{request_id}")


@router.post("/{request_id}/fulfil")
def fulfil(request: Request, session: Db, user: User, request_id: RowId) -> Response:
    store = Store(get_runtime(request).settings.telemetry_root)
    authority_bundle.fulfil(_ctx(request, session, user), request_id, store)
    return _to(request, f"/console/authority/{request_id}")


@router.get("/{request_id}/bundle")
def bundle(request: Request, session: Db, user: User, request_id: RowId) -> Response:
    path, row = authority_bundle.download(_ctx(request, session, user), request_id)
    return FileResponse(
        path,
        media_type="application/zip",
        filename=f"imbplus-authority-request-{row.id}.zip",
        headers={"cache-control": "no-store"},
    )
