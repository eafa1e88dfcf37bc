"""The customer portal's context: a logged-in subscriber, acting on their own records only.

The cookie is a server-side session of kind "customer" (`auth.sessions`); every page and
portal API call runs as `Actor.customer(id)` so the gate refuses anything not their own.
Same shape as the portal's own dependencies (`PortalUser`, `Customer`, `context_for`), so
that pages written against this module move over by changing one import.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, FastAPI, Header, Request
from fastapi.responses import Response

from imbplus.auth import sessions
from imbplus.auth.models import WebSession
from imbplus.errors import Unauthenticated
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.web.deps import Db, get_runtime
from imbplus.web.pages import CsrfFailed, render

LANGS = ("pl", "en")


class PortalLoginRequired(Exception):
    pass


@dataclass
class PortalUser:
    customer_id: str
    web_session: WebSession

    @property
    def actor(self) -> Actor:
        return Actor.customer(self.customer_id)


def _resolve(request: Request, session: Db) -> PortalUser | None:
    rt = get_runtime(request)
    row = sessions.resolve(
        session, rt.settings, "customer", request.cookies.get(sessions.CUSTOMER_COOKIE)
    )
    if row is None or row.mfa_pending:
        return None
    return PortalUser(row.principal_id, row)


def portal_user(request: Request, session: Db) -> PortalUser:
    user = _resolve(request, session)
    if user is None:
        raise PortalLoginRequired
    return user


def portal_api_user(request: Request, session: Db) -> PortalUser:
    user = _resolve(request, session)
    if user is None:
        raise Unauthenticated("log in to the customer portal first")
    return user


Customer = Annotated[PortalUser, Depends(portal_user)]
ApiCustomer = Annotated[PortalUser, Depends(portal_api_user)]


def context_for(request: Request, session: Db, user: PortalUser, purpose: Purpose) -> Context:
    return Context(session, get_runtime(request), user.actor, purpose, request.state.request_id)


def check_csrf(user: PortalUser, token: str | None) -> None:
    expected = user.web_session.csrf_token.encode()
    if not token or not hmac.compare_digest(expected, token.encode()):
        raise CsrfFailed("the form is stale or forged; reload the page and try again")


def api_csrf(
    user: ApiCustomer,
    x_csrf_token: Annotated[str | None, Header(alias="X-CSRF-Token", max_length=64)] = None,
) -> PortalUser:
    check_csrf(user, x_csrf_token)
    return user


ApiCustomerWrite = Annotated[PortalUser, Depends(api_csrf)]


def lang_of(request: Request) -> str:
    lang = request.query_params.get("lang", "pl")
    return lang if lang in LANGS else "pl"


def install(app: FastAPI) -> None:
    @app.exception_handler(PortalLoginRequired)
    async def _login(request: Request, _exc: PortalLoginRequired) -> Response:
        return render(request, "portal/login_needed.html", 401, lang=lang_of(request))
