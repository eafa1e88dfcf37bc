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
from imbplus.web import i18n
from imbplus.web.deps import Db
from imbplus.web.errors import validation_problems
from imbplus.web.pages import render
from imbplus.web.responses import API_ERRORS

pages = APIRouter(prefix="/portal", include_in_schema=False, dependencies=SUBSCRIBER_PAGES)
api = APIRouter(
    prefix="/api/v1/portal", tags=["portal"], responses=API_ERRORS, dependencies=SUBSCRIBER_API
)

SERVICE = Purpose.SERVICE_DELIVERY
TEXT = {
    "pl": {
        "title": "Dekoder: hasło i PIN rodzicielski",
        "nudge": "Twój dekoder nie jest chroniony. Ustaw PIN rodzicielski i hasło ustawień, "
        "aby nikt bez Twojej zgody nie zmienił ustawień ani nie obejrzał treści dla dorosłych.",
        "pin": "PIN rodzicielski (4-8 cyfr)",
        "password": "Hasło ustawień dekodera (min. 12 znaków)",
        "save": "Zapisz",
        "saved": "Zapisano. Dekoder pobierze zmiany przy najbliższym połączeniu.",
        "pin_set": "PIN ustawiony",
        "password_set": "Hasło ustawione",
        "not_set": "nie ustawiono",
        "boxes": "Twoje dekodery",
        "hint": "Przechowujemy tylko skrót (argon2id), nigdy sam PIN ani hasło. Chroń też "
        "dekoder fizycznie: przechowuje dane Twojej subskrypcji.",
    },
    "en": {
        "title": "Set-top box: password and parental PIN",
        "nudge": "Your set-top box is not protected. Set a parental PIN and a settings "
        "password so that nobody changes its settings or watches adult content without you.",
        "pin": "Parental PIN (4-8 digits)",
        "password": "Box settings password (at least 12 characters)",
        "save": "Save",
        "saved": "Saved. Your box picks up the change the next time it connects.",
        "pin_set": "PIN set",
        "password_set": "Password set",
        "not_set": "not set",
        "boxes": "Your boxes",
        "hint": "We keep only a hash (argon2id), never the PIN or password itself. Protect "
        "the box physically too: it holds data of your subscription.",
    },
}


def _page(
    request: Request,
    ctx_user: PortalUser,
    session: Db,
    status: int = 200,
    problems: list[dict[str, str]] | None = None,
    saved: bool = False,
) -> Response:
    ctx = context_for(request, session, ctx_user, SERVICE)
    lang = i18n.lang_of(request.scope)
    state = service.stb_credentials_status(ctx, ctx_user.customer_id)
    boxes = service.customer_devices(ctx, ctx_user.customer_id)
    return render(
        request,
        "portal/stb.html",
        status,
        t=TEXT[lang],
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
