"""Portal pages: login, logout, the account home (other portal pages are included below)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from imbplus.auth import sessions
from imbplus.customers import service as customers
from imbplus.portal import (
    account_pages,
    reminders,
    service,
    signup,
    signup_pages,
)
from imbplus.web import i18n
from imbplus.web.deps import Db, get_runtime
from imbplus.web.guards import PRE_LOGIN_FORMS
from imbplus.web.pages import PRE_CSRF_COOKIE, pre_login_csrf, render, set_cookie
from imbplus.web.subscribers import SUBSCRIBER_PAGES, Customer, PortalContext

sign_in = APIRouter(prefix="/portal", include_in_schema=False, dependencies=PRE_LOGIN_FORMS)
pages = APIRouter(prefix="/portal", include_in_schema=False, dependencies=SUBSCRIBER_PAGES)
Short = Annotated[str, Form(max_length=320)]
Secret = Annotated[str, Form(max_length=256)]


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


# notices the login page shows after another page sent the visitor there
LOGIN_NOTICES = ("confirmed", "reset", "password_changed", "email_changed")


def _login_page(
    request: Request, status: int = 200, failed: bool = False, notice: str | None = None
) -> Response:
    token = pre_login_csrf(request)
    response = render(
        request, "portal/login.html", status, csrf=token, failed=failed, notice=notice
    )
    set_cookie(request, response, PRE_CSRF_COOKIE, token, max_age=3600)
    return response


@sign_in.get("/login")
def login_form(request: Request, done: Annotated[str, Query(max_length=32)] = "") -> Response:
    return _login_page(request, notice=done if done in LOGIN_NOTICES else None)


@sign_in.post("/login")
def login(request: Request, session: Db, email: Short, password: Secret) -> Response:
    rt = get_runtime(request)
    outcome = service.login(rt, session, email.strip(), password, _address(request))
    if outcome.unconfirmed is not None:
        signup.resend_confirmation(rt, session, outcome.unconfirmed, i18n.lang_of(request.scope))
        return _login_page(request, 403, notice="unconfirmed")
    if outcome.customer_id is None:
        return _login_page(request, 401, failed=True)
    new = sessions.start(session, rt.settings, "customer", outcome.customer_id, mfa_pending=False)
    target = i18n.localized(i18n.lang_of(request.scope), "/portal")
    response = RedirectResponse(target, status_code=303)
    set_cookie(request, response, sessions.CUSTOMER_COOKIE, new.token)
    return response


@pages.post("/logout")
def logout(request: Request, session: Db, user: Customer) -> Response:
    sessions.end(session, user.web_session)
    response = RedirectResponse(
        i18n.localized(i18n.lang_of(request.scope), "/portal/login"), status_code=303
    )
    response.delete_cookie(sessions.CUSTOMER_COOKIE, path="/")
    return response


@pages.get("")
def home(request: Request, user: Customer, ctx: PortalContext) -> Response:
    me = customers.get(ctx, user.customer_id)
    invited = reminders.invitations(ctx.session, user.customer_id)
    return render(
        request,
        "portal/home.html",
        user=user,
        me=me,
        invitations=invited,
        reminders=reminders.collect(ctx, user.customer_id),
    )


router = APIRouter(include_in_schema=False)
router.include_router(sign_in)
router.include_router(pages)
router.include_router(signup_pages.router)
router.include_router(account_pages.router)
