"""Console pages of the second factor (P12): enrolment right after the first password
login, and the account page that replaces the authenticator.

A session whose password was right but whose account still lacks the second factor its
roles need can open the enrolment page and nothing else; a code from the new secret turns
it on, the recovery codes are shown once, and the session gets a new cookie.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from imbplus.auth import sessions
from imbplus.auth.models import WebSession
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.staff import mfa
from imbplus.staff.models import Staff
from imbplus.web import audiences
from imbplus.web.clientip import client_address
from imbplus.web.deps import Db, get_runtime
from imbplus.web.guards import STAFF_PAGES, Audience, CsrfField
from imbplus.web.pages import LoginRequired, User, check_csrf, render, set_cookie

Field64 = Annotated[str, Form(max_length=64)]
WRONG_CODE = "console.login.code_wrong"  # a text of the catalogues


@dataclass
class Enrolling:
    """A session past the password, for an account that has no second factor yet."""

    staff: Staff
    web_session: WebSession


def enrolling(request: Request, session: Db) -> Enrolling:
    rt = get_runtime(request)
    row = sessions.resolve(
        session, rt.settings, "staff", request.cookies.get(sessions.STAFF_COOKIE)
    )
    if row is None or not row.mfa_pending:
        raise LoginRequired
    staff = session.get(Staff, int(row.principal_id))
    if staff is None or not staff.active or staff.totp_enabled:
        raise LoginRequired
    return Enrolling(staff, row)


audiences.register(enrolling, "staff")  # a staff member half signed in, enrolling a 2nd factor
PendingEnrolment = Annotated[Enrolling, Depends(enrolling)]


async def enrolment_csrf(who: PendingEnrolment, token: CsrfField) -> None:
    """The enrolment form carries the anti-forgery token of the half-open session."""
    if token is not None:
        check_csrf(who, token)


ENROLMENT: Audience = (Depends(enrolling), Depends(enrolment_csrf))
enrolment = APIRouter(prefix="/console", include_in_schema=False, dependencies=ENROLMENT)
router = APIRouter(prefix="/console", include_in_schema=False, dependencies=STAFF_PAGES)


def _security(request: Request, session: Db, staff: Staff) -> Context:
    return Context(
        session,
        get_runtime(request),
        Actor.staff(staff.id, staff.role_names),
        Purpose.SECURITY,
        request.state.request_id,
    )


def _enrol_page(
    request: Request, session: Db, who: Enrolling, status: int = 200, error: str | None = None
) -> Response:
    enrol = mfa.begin(get_runtime(request), session, who.staff)
    csrf = who.web_session.csrf_token
    return render(request, "console/enrol.html", status, enrol=enrol, csrf=csrf, error=error)


@enrolment.get("/login/enrol")
def enrol_form(request: Request, session: Db, who: PendingEnrolment) -> Response:
    return _enrol_page(request, session, who)


@enrolment.post("/login/enrol")
def enrol(request: Request, session: Db, who: PendingEnrolment, code: Field64) -> Response:
    ctx = _security(request, session, who.staff)
    codes = mfa.confirm(ctx, who.staff, code, client_address(request))
    if codes is None:
        return _enrol_page(request, session, who, 422, WRONG_CODE)
    token = sessions.rotate(session, who.web_session)
    response = render(request, "console/recovery_codes.html", codes=codes, next="/console")
    set_cookie(request, response, sessions.STAFF_COOKIE, token)
    return response


def _staff(user: User) -> Staff:
    """The console user's own account row (the framework knows it as a `StaffMember`)."""
    if not isinstance(user.staff, Staff):
        raise TypeError("a console user is a staff account")
    return user.staff


def _account(
    request: Request, session: Db, user: User, status: int = 200, **extra: object
) -> Response:
    left = mfa.recovery_codes_left(session, _staff(user))
    values: dict[str, object] = {"enrol": None, "codes": None, "message": None, **extra}
    return render(request, "console/account.html", status, user=user, codes_left=left, **values)


@router.get("/account")
def account(request: Request, session: Db, user: User) -> Response:
    return _account(request, session, user)


@router.post("/account/totp")
def totp_begin(request: Request, session: Db, user: User) -> Response:
    enrol = mfa.begin(get_runtime(request), session, _staff(user), fresh=True)
    return _account(request, session, user, enrol=enrol)


@router.post("/account/totp/confirm")
def totp_confirm(request: Request, session: Db, user: User, code: Field64) -> Response:
    ctx = _security(request, session, _staff(user))
    codes = mfa.confirm(ctx, _staff(user), code, client_address(request))
    if codes is None:
        enrol = mfa.begin(get_runtime(request), session, _staff(user))
        return _account(request, session, user, 422, enrol=enrol, message=WRONG_CODE)
    return _account(request, session, user, codes=codes, message="console.totp.on")
