"""Portal pages after login: contact data and address, e-mail address (confirmed from the
new address, in `signup_pages`), password, "who saw my data" (B02)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError

from imbplus.bounds import Flag
from imbplus.customers import service as customers
from imbplus.customers.schemas import AddressPatch, CustomerRead, CustomerUpdate
from imbplus.portal import access_log, email_change, service
from imbplus.portal.forms import (
    SecretText,
    Text,
    keep,
    password_problems,
    problems_of,
    redirect,
)
from imbplus.portal.schemas import DetailsForm, NewEmailForm, NewPassword
from imbplus.privacy.catalog import Purpose
from imbplus.traffic import limits
from imbplus.web import i18n
from imbplus.web.deps import Db
from imbplus.web.pages import render
from imbplus.web.problems import WRONG_PASSWORD
from imbplus.web.subscribers import (
    SUBSCRIBER_PAGES,
    Customer,
    PortalContext,
    PortalUser,
    context_for,
)

router = APIRouter(prefix="/portal", include_in_schema=False, dependencies=SUBSCRIBER_PAGES)
DETAILS = ("name", "phone", "street", "postal_code", "city")
NOTICES = ("saved", "unchanged", "email_sent")


def _current(me: CustomerRead) -> dict[str, str]:
    return {
        "name": me.name,
        "email": me.email,
        "phone": me.phone,
        "street": me.address.street,
        "postal_code": me.address.postal_code,
        "city": me.address.city,
    }


def _page(
    request: Request,
    user: PortalUser,
    values: dict[str, str],
    status: int = 200,
    problems: dict[str, str] | None = None,
    password_problems: dict[str, str] | None = None,
    notice: str | None = None,
    email_problems: dict[str, str] | None = None,
    new_email: str = "",
) -> Response:
    return render(
        request,
        "portal/account.html",
        status,
        user=user,
        values=values,
        problems=problems or {},
        password_problems=password_problems or {},
        notice=notice,
        email_problems=email_problems or {},
        new_email={"email": new_email},
    )


@router.get("/account")
def account(
    request: Request,
    user: Customer,
    ctx: PortalContext,
    done: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    me = customers.get(ctx, user.customer_id)
    return _page(request, user, _current(me), notice=done if done in NOTICES else None)


def _patch(form: DetailsForm, before: dict[str, str]) -> CustomerUpdate | None:
    after = form.model_dump()
    changed = {k: v for k, v in after.items() if v != before[k]}
    if not changed:
        return None
    address = {k: changed.pop(k) for k in ("street", "postal_code", "city") if k in changed}
    if address:
        changed["address"] = AddressPatch(**address)
    return CustomerUpdate(**changed)


@router.post("/account")
def save_account(
    request: Request,
    session: Db,
    user: Customer,
    ctx: PortalContext,
    name: Text,
    phone: Text,
    street: Text,
    postal_code: Text,
    city: Text,
) -> Response:
    limits.guard(request, session, "account")
    values = {
        "name": name,
        "phone": phone,
        "street": street,
        "postal_code": postal_code,
        "city": city,
    }
    before = _current(customers.get(ctx, user.customer_id))
    try:
        form = DetailsForm(**values)
    except ValidationError as exc:
        shown = {**before, **keep(values, *DETAILS)}
        return _page(request, user, shown, 422, problems=problems_of(exc))
    patch = _patch(form, before)
    if patch is None:
        return _page(request, user, before, notice="unchanged")
    customers.update(ctx, user.customer_id, patch)
    limits.count(request, session, "account")
    return redirect(request, "/portal/account?done=saved")


@router.post("/account/email")
def change_email(
    request: Request,
    session: Db,
    user: Customer,
    ctx: PortalContext,
    email: Text,
    current: SecretText,
) -> Response:
    """Ask for a new address: the same answer whether or not it is another customer's."""
    limits.guard(request, session, "account")
    values = _current(customers.get(ctx, user.customer_id))
    try:
        form = NewEmailForm(email=email)
    except ValidationError as exc:
        problems = problems_of(exc)
        return _page(request, user, values, 422, email_problems=problems, new_email=email)
    lang = i18n.lang_of(request.scope)
    outcome = email_change.request(ctx, user.customer_id, current, form.email, lang)
    limits.count(request, session, "account")
    if outcome == email_change.Request.WRONG_PASSWORD:
        wrong = {"current": WRONG_PASSWORD}
        return _page(request, user, values, 422, email_problems=wrong, new_email=email)
    done = "unchanged" if outcome == email_change.Request.UNCHANGED else "email_sent"
    return redirect(request, f"/portal/account?done={done}")


@router.post("/account/password")
def change_password(
    request: Request,
    session: Db,
    user: Customer,
    ctx: PortalContext,
    current: SecretText,
    password: SecretText,
    password2: SecretText,
) -> Response:
    limits.guard(request, session, "account")
    values = _current(customers.get(ctx, user.customer_id))
    try:
        NewPassword(password=password, password2=password2)
    except ValidationError as exc:
        found = password_problems(exc, password, password2)
        return _page(request, user, values, 422, password_problems=found)
    if not service.change_password(ctx, user.customer_id, current, password):
        limits.count(request, session, "account")
        wrong = {"current": WRONG_PASSWORD}
        return _page(request, user, values, 422, password_problems=wrong)
    return redirect(request, "/portal/login?done=password_changed")


@router.get("/access-log")
def access_history(
    request: Request,
    session: Db,
    user: Customer,
    mine: Annotated[Flag, Query()] = 0,
    after: Annotated[str | None, Query(max_length=2000)] = None,
) -> Response:
    """B02: who saw my data, grouped and paged; `mine=1` adds the customer's own actions."""
    ctx = context_for(request, session, user, Purpose.DATA_SUBJECT_REQUEST)
    page = access_log.grouped_trail(ctx, include_mine=bool(mine), cursor=after or None)
    return render(request, "portal/access_log.html", user=user, page=page, mine=mine)
