"""Staff console: login (password, then the second factor, or its enrolment), purpose choice.

The second-factor pages (enrolment at first login, the account page) are in `mfa_pages`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from imbplus.auth import sessions
from imbplus.errors import ValidationFailed
from imbplus.privacy.catalog import PURPOSE_DESCRIPTIONS, Purpose
from imbplus.staff import mfa, mfa_pages, service
from imbplus.staff.models import Staff
from imbplus.web import menu
from imbplus.web.clientip import client_address
from imbplus.web.deps import Db, get_runtime
from imbplus.web.guards import PRE_LOGIN_FORMS, STAFF_PAGES
from imbplus.web.pages import PRE_CSRF_COOKIE, User, pre_login_csrf, render, set_cookie

sign_in = APIRouter(prefix="/console", include_in_schema=False, dependencies=PRE_LOGIN_FORMS)
console = APIRouter(prefix="/console", include_in_schema=False, dependencies=STAFF_PAGES)
Field64 = Annotated[str, Form(max_length=64)]
Secret = Annotated[str, Form(max_length=256)]


def _login_page(
    request: Request, status: int = 200, error: str | None = None, step: str = "password"
) -> Response:
    token = pre_login_csrf(request)
    response = render(request, "console/login.html", status, csrf=token, error=error, step=step)
    set_cookie(request, response, PRE_CSRF_COOKIE, token, max_age=3600)
    return response


@sign_in.get("/login")
def login_form(request: Request) -> Response:
    return _login_page(request)


_NEXT = {
    service.LoginStatus.OK: "/console",
    service.LoginStatus.NEEDS_TOTP: "/console/login/totp",
    service.LoginStatus.NEEDS_ENROLMENT: "/console/login/enrol",
}


@sign_in.post("/login")
def login(request: Request, session: Db, username: Field64, password: Secret) -> Response:
    rt = get_runtime(request)
    outcome = service.login(rt, session, username, password, client_address(request))
    if outcome.status == service.LoginStatus.FAILED or outcome.staff is None:
        return _login_page(request, 401, "console.login.wrong")
    new = sessions.start(
        session,
        rt.settings,
        "staff",
        str(outcome.staff.id),
        mfa_pending=outcome.status != service.LoginStatus.OK,
    )
    response = RedirectResponse(_NEXT[outcome.status], status_code=303)
    set_cookie(request, response, sessions.STAFF_COOKIE, new.token)
    return response


@sign_in.get("/login/totp")
def totp_form(request: Request) -> Response:
    return _login_page(request, step="totp")


@sign_in.post("/login/totp")
def totp(request: Request, session: Db, code: Field64) -> Response:
    rt = get_runtime(request)
    row = sessions.resolve(
        session, rt.settings, "staff", request.cookies.get(sessions.STAFF_COOKIE)
    )
    if row is None or not row.mfa_pending:
        return RedirectResponse("/console/login", status_code=303)
    staff = session.get(Staff, int(row.principal_id))
    if staff is not None and not staff.totp_enabled:
        return RedirectResponse("/console/login/enrol", status_code=303)
    if staff is None or not mfa.verify(rt, session, staff, code, client_address(request)):
        return _login_page(request, 401, "console.login.code_wrong", step="totp")
    token = sessions.rotate(session, row)
    response = RedirectResponse("/console", status_code=303)
    set_cookie(request, response, sessions.STAFF_COOKIE, token)
    return response


@console.post("/logout")
def logout(request: Request, session: Db, user: User) -> Response:
    sessions.end(session, user.web_session)
    response = RedirectResponse("/console/login", status_code=303)
    response.delete_cookie(sessions.STAFF_COOKIE, path="/")
    return response


@console.get("")
def home(request: Request, user: User, need: str | None = None) -> Response:
    purposes = get_runtime(request).gate.purposes_for(user.staff.role_names)
    return render(
        request,
        "console/home.html",
        user=user,
        purposes=purposes,
        descriptions=PURPOSE_DESCRIPTIONS,
        need_purpose=need == "purpose",
    )


@console.post("/purpose")
def choose_purpose(request: Request, user: User, purpose: Field64) -> Response:
    gate = get_runtime(request).gate
    if purpose not in {p.value for p in gate.purposes_for(user.staff.role_names)}:
        raise ValidationFailed([{"field": "purpose", "problem": "not a purpose of your roles"}])
    chosen = Purpose(purpose)
    user.web_session.purpose = chosen.value
    # on to the first page the menu offers for this purpose (never one that would refuse)
    opening = [p for p in menu.opening(gate, user.staff.role_names, chosen) if p.in_menu]
    return RedirectResponse(opening[0].path if opening else "/console", status_code=303)


router = APIRouter(include_in_schema=False)
router.include_router(sign_in)
router.include_router(mfa_pages.enrolment)
router.include_router(console)
router.include_router(mfa_pages.router)
