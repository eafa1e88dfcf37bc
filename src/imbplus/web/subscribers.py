"""Who is logged in to the portal, and the Context for their own data (the subscriber's
session, shared by every domain's portal pages; the accounts are looked up through
`web.principals`)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, FastAPI, Header, Request
from fastapi.responses import RedirectResponse, Response

from imbplus.auth import sessions
from imbplus.auth.models import WebSession
from imbplus.errors import Unauthenticated
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.web import i18n, principals
from imbplus.web.deps import Db, get_runtime
from imbplus.web.guards import Audience, CsrfField, is_unsafe
from imbplus.web.pages import CsrfFailed, check_csrf
from imbplus.web.principals import PolicyNotice


class PortalLoginRequired(Exception):
    pass


@dataclass
class PortalUser:
    customer_id: str
    web_session: WebSession
    # a new privacy-policy version the subscriber has not acknowledged yet (P22)
    policy_notice: PolicyNotice | None = None

    @property
    def actor(self) -> Actor:
        return Actor.customer(self.customer_id)


def optional_portal_user(request: Request, session: Db) -> PortalUser | None:
    """The logged-in subscriber, or None (for pages open to everyone)."""
    rt = get_runtime(request)
    row = sessions.resolve(
        session, rt.settings, "customer", request.cookies.get(sessions.CUSTOMER_COOKIE)
    )
    if row is None:
        return None
    found = principals.of(request)
    opened = found.account_opened(session, row.principal_id)
    if opened is None:
        return None
    lang = i18n.lang_of(request.scope)
    notice = found.policy_notice(session, rt.settings.site_id, lang, row.principal_id, opened)
    return PortalUser(row.principal_id, row, notice)


def portal_user(request: Request, session: Db) -> PortalUser:
    user = optional_portal_user(request, session)
    if user is None:
        raise PortalLoginRequired
    return user


Customer = Annotated[PortalUser, Depends(portal_user)]


def context_for(request: Request, session: Db, user: PortalUser, purpose: Purpose) -> Context:
    """The subscriber acting on their own record for another purpose (their access
    history is a data-subject request; answering a survey is market research)."""
    return Context(
        session=session,
        platform=get_runtime(request),
        actor=user.actor,
        purpose=purpose,
        request_id=request.state.request_id,
    )


def portal_context(request: Request, session: Db, user: Customer) -> Context:
    """The subscriber acting on their own record, to use the service (P16)."""
    return context_for(request, session, user, Purpose.SERVICE_DELIVERY)


PortalContext = Annotated[Context, Depends(portal_context)]


def install(app: FastAPI) -> None:
    @app.exception_handler(PortalLoginRequired)
    async def _login(request: Request, _exc: PortalLoginRequired) -> Response:
        lang = i18n.lang_of(request.scope)
        return RedirectResponse(i18n.localized(lang, "/portal/login"), status_code=303)


def portal_api_user(request: Request, session: Db) -> PortalUser:
    """The subscriber behind a portal API call (session cookie); 401 JSON, not a redirect."""
    user = optional_portal_user(request, session)
    if user is None:
        raise Unauthenticated("log in to the customer portal first")
    return user


ApiCustomer = Annotated[PortalUser, Depends(portal_api_user)]


async def portal_form_csrf(user: Customer, token: CsrfField) -> None:
    """A portal form carries the anti-forgery token of the subscriber's session."""
    if token is not None:
        check_csrf(user, token)


async def portal_header_csrf(
    request: Request,
    user: ApiCustomer,
    x_csrf_token: Annotated[
        str | None,
        Header(
            alias="X-CSRF-Token",
            max_length=64,
            description="The portal session's anti-forgery token; required to change anything",
        ),
    ] = None,
) -> None:
    """Portal API calls that change something carry the session's CSRF token in a header."""
    if not is_unsafe(request):
        return
    expected = user.web_session.csrf_token.encode()
    if not x_csrf_token or not hmac.compare_digest(expected, x_csrf_token.encode()):
        raise CsrfFailed("the X-CSRF-Token header is missing or does not match the session")


SUBSCRIBER_PAGES: Audience = (Depends(portal_user), Depends(portal_form_csrf))
SUBSCRIBER_API: Audience = (Depends(portal_api_user), Depends(portal_header_csrf))
