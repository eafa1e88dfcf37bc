"""Portal pages before login: register, confirm an e-mail address (a new account's, or the
new address of an account from its link), reset the password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError

from imbplus.portal import email_change, signup, tokens
from imbplus.portal.forms import (
    Csrf,
    SecretText,
    Text,
    keep,
    password_problems,
    redirect,
    render_with_csrf,
)
from imbplus.portal.schemas import NewPassword, RegistrationForm
from imbplus.traffic import limits
from imbplus.web import i18n
from imbplus.web.deps import Db, get_runtime
from imbplus.web.guards import PRE_LOGIN_FORMS

router = APIRouter(prefix="/portal", include_in_schema=False, dependencies=PRE_LOGIN_FORMS)
Token = Annotated[str, Query(max_length=128)]
CONTACT_FIELDS = ("name", "email", "phone", "street", "postal_code", "city")


@router.get("/register")
def register_form(request: Request) -> Response:
    return render_with_csrf(request, "portal/register.html", values={}, problems={})


@router.post("/register")
def register(
    request: Request,
    session: Db,
    name: Text,
    email: Text,
    phone: Text,
    street: Text,
    postal_code: Text,
    city: Text,
    password: SecretText,
    password2: SecretText,
) -> Response:
    limits.guard(request, session, "register")
    values = {
        "name": name,
        "email": email,
        "phone": phone,
        "street": street,
        "postal_code": postal_code,
        "city": city,
    }
    try:
        form = RegistrationForm(**values, password=password, password2=password2)
    except ValidationError as exc:
        return render_with_csrf(
            request,
            "portal/register.html",
            422,
            values=keep(values, *CONTACT_FIELDS),
            problems=password_problems(exc, password, password2),
        )
    signup.register(get_runtime(request), session, form, i18n.lang_of(request.scope))
    limits.count(request, session, "register")
    return redirect(request, "/portal/register/sent")


@router.get("/register/sent")
def register_sent(request: Request) -> Response:
    return render_with_csrf(request, "portal/sent.html", kind="register")


@router.get("/confirm")
def confirm_form(request: Request, session: Db, token: Token = "") -> Response:
    if not tokens.is_live(session, token, tokens.CONFIRM):
        return render_with_csrf(request, "portal/dead_link.html", 410)
    return render_with_csrf(request, "portal/confirm.html", token=token)


@router.post("/confirm")
def confirm(request: Request, session: Db, token: Csrf) -> Response:
    limits.guard(request, session, "token")
    if signup.confirm(get_runtime(request), session, token) is None:
        limits.count(request, session, "token")
        return render_with_csrf(request, "portal/dead_link.html", 410)
    return redirect(request, "/portal/login?done=confirmed")


@router.get("/reset")
def reset_form(request: Request) -> Response:
    return render_with_csrf(request, "portal/reset_request.html", problems={})


@router.post("/reset")
def reset(request: Request, session: Db, email: Text) -> Response:
    limits.guard(request, session, "reset")
    signup.request_reset(
        get_runtime(request), session, email.strip()[:320], i18n.lang_of(request.scope)
    )
    limits.count(request, session, "reset")
    return redirect(request, "/portal/reset/sent")


@router.get("/reset/sent")
def reset_sent(request: Request) -> Response:
    return render_with_csrf(request, "portal/sent.html", kind="reset")


@router.get("/reset/confirm")
def new_password_form(request: Request, session: Db, token: Token = "") -> Response:
    if not tokens.is_live(session, token, tokens.RESET):
        return render_with_csrf(request, "portal/dead_link.html", 410)
    return render_with_csrf(request, "portal/reset.html", token=token, problems={})


@router.post("/reset/confirm")
def new_password(
    request: Request,
    session: Db,
    token: Csrf,
    password: SecretText,
    password2: SecretText,
) -> Response:
    limits.guard(request, session, "token")
    try:
        NewPassword(password=password, password2=password2)
    except ValidationError as exc:
        return render_with_csrf(
            request,
            "portal/reset.html",
            422,
            token=token,
            problems=password_problems(exc, password, password2),
        )
    if signup.reset_password(get_runtime(request), session, token, password) is None:
        limits.count(request, session, "token")
        return render_with_csrf(request, "portal/dead_link.html", 410)
    return redirect(request, "/portal/login?done=reset")


@router.get("/email/confirm")
def email_confirm_form(request: Request, session: Db, token: Token = "") -> Response:
    if not tokens.is_live(session, token, tokens.EMAIL):
        return render_with_csrf(request, "portal/dead_link.html", 410)
    return render_with_csrf(request, "portal/email_confirm.html", token=token)


@router.post("/email/confirm")
def email_confirm(request: Request, session: Db, token: Csrf) -> Response:
    limits.guard(request, session, "token")
    rt, lang = get_runtime(request), i18n.lang_of(request.scope)
    if not email_change.confirm(rt, session, token, lang, request.state.request_id):
        limits.count(request, session, "token")
        return render_with_csrf(request, "portal/dead_link.html", 410)
    return redirect(request, "/portal/login?done=email_changed")
