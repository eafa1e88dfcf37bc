"""Portal page and API where a customer sets the STB password and parental PIN (P14)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError

from imbplus.devices import service
from imbplus.devices.schemas import StbCredentialsSet, StbCredentialsStatus
from imbplus.portal.deps import (
    SUBSCRIBER_API,
    SUBSCRIBER_PAGES,
    ApiCustomer,
    Customer,
    PortalUser,
    context_for,
)
from imbplus.privacy.catalog import Purpose
from imbplus.web.deps import Db
from imbplus.web.errors import validation_problems
from imbplus.web.pages import render
from imbplus.web.responses import API_ERRORS

pages = APIRouter(prefix="/portal", include_in_schema=False, dependencies=SUBSCRIBER_PAGES)
api = APIRouter(
    prefix="/api/v1/portal", tags=["portal"], responses=API_ERRORS, dependencies=SUBSCRIBER_API
)

SERVICE = Purpose.SERVICE_DELIVERY


def _page(
    request: Request,
    ctx_user: PortalUser,
    session: Db,
    status: int = 200,
    problems: list[dict[str, str]] | None = None,
    saved: bool = False,
) -> Response:
    ctx = context_for(request, session, ctx_user, SERVICE)
    state = service.stb_credentials_status(ctx, ctx_user.customer_id)
    boxes = service.customer_devices(ctx, ctx_user.customer_id)
    return render(
        request,
        "portal/stb.html",
        status,
        state=state,
        boxes=boxes,
        csrf=ctx_user.web_session.csrf_token,
        user=ctx_user,
        problems=problems or [],
        saved=saved,
    )


@pages.get("/stb")
def stb_page(request: Request, user: Customer, session: Db) -> Response:
    return _page(request, user, session)


@pages.post("/stb")
def stb_save(
    request: Request,
    user: Customer,
    session: Db,
    pin: Annotated[str, Form(max_length=16)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
) -> Response:
    try:
        data = StbCredentialsSet(pin=pin or None, password=password or None)
    except ValidationError as exc:
        return _page(request, user, session, 422, problems=validation_problems(exc.errors()))
    service.set_stb_credentials(
        context_for(request, session, user, SERVICE), user.customer_id, data
    )
    return _page(request, user, session, saved=True)


@api.get("/stb-credentials")
def stb_status(request: Request, user: ApiCustomer, session: Db) -> StbCredentialsStatus:
    """Whether the customer's PIN and box password are set (never the values or hashes)."""
    ctx = context_for(request, session, user, SERVICE)
    return service.stb_credentials_status(ctx, user.customer_id)


@api.put("/stb-credentials")
def stb_set(
    request: Request, user: ApiCustomer, session: Db, body: StbCredentialsSet
) -> StbCredentialsStatus:
    """Set or change the PIN and/or the box password (portal session + X-CSRF-Token)."""
    ctx = context_for(request, session, user, SERVICE)
    return service.set_stb_credentials(ctx, user.customer_id, body)
