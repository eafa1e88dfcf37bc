"""Portal pages after login: contact data and address, password, "who saw my data" (B02)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError

from imbplus.customers import service as customers
from imbplus.customers.schemas import AddressPatch, CustomerRead, CustomerUpdate
from imbplus.errors import Conflict
from imbplus.portal import access_log, mail, service
from imbplus.portal.deps import Customer, PortalContext, PortalUser, context_for
from imbplus.portal.forms import Csrf, SecretText, Text, keep, problems_of, redirect
from imbplus.portal.schemas import ContactForm, NewPassword
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Purpose
from imbplus.traffic import limits
from imbplus.web import i18n
from imbplus.web.deps import Db
from imbplus.web.pages import check_csrf, render

router = APIRouter()
FIELDS = ("name", "email", "phone", "street", "postal_code", "city")


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
    )


@router.get("/account")
def account(
    request: Request,
    user: Customer,
    ctx: PortalContext,
    done: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    me = customers.get(ctx, user.customer_id)
    return _page(request, user, _current(me), notice="saved" if done == "saved" else None)


def _patch(form: ContactForm, before: dict[str, str]) -> CustomerUpdate | None:
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
    email: Text,
    phone: Text,
    street: Text,
    postal_code: Text,
    city: Text,
    csrf: Csrf,
) -> Response:
    check_csrf(user, csrf)
    limits.guard(request, session, "account")
    values = {
        "name": name,
        "email": email,
        "phone": phone,
        "street": street,
        "postal_code": postal_code,
        "city": city,
    }
    try:
        form = ContactForm(**values)
    except ValidationError as exc:
        return _page(request, user, keep(values, *FIELDS), 422, problems=problems_of(exc))
    before = _current(customers.get(ctx, user.customer_id))
    patch = _patch(form, before)
    if patch is None:
        return _page(request, user, before, notice="unchanged")
    try:
        with session.begin_nested():  # the notice is withdrawn if the change is refused
            if patch.email is not None:
                _tell_old_address(request, ctx, user.customer_id)
            customers.update(ctx, user.customer_id, patch)
    except Conflict:
        problem = {"email": i18n.translate(i18n.lang_of(request.scope), "account.email_taken")}
        return _page(request, user, keep(values, *FIELDS), 409, problems=problem)
    limits.count(request, session, "account")
    return redirect(request, "/portal/account?done=saved")


def _tell_old_address(request: Request, ctx: Context, customer_id: str) -> None:
    """The address on record hears of the change before it is replaced."""
    lang = i18n.lang_of(request.scope)
    mail.send_to_customer(
        ctx,
        customer_id,
        i18n.translate(lang, "mail.email_changed.subject"),
        i18n.translate(lang, "mail.email_changed.body"),
        reference="portal:email_changed",
    )


@router.post("/account/password")
def change_password(
    request: Request,
    session: Db,
    user: Customer,
    ctx: PortalContext,
    current: SecretText,
    password: SecretText,
    password2: SecretText,
    csrf: Csrf,
) -> Response:
    check_csrf(user, csrf)
    limits.guard(request, session, "account")
    values = _current(customers.get(ctx, user.customer_id))
    try:
        NewPassword(password=password, password2=password2)
    except ValidationError as exc:
        return _page(request, user, values, 422, password_problems=problems_of(exc))
    if not service.change_password(ctx, user.customer_id, current, password):
        limits.count(request, session, "account")
        wrong = i18n.translate(i18n.lang_of(request.scope), "account.password_wrong")
        return _page(request, user, values, 422, password_problems={"current": wrong})
    return redirect(request, "/portal/login?done=password_changed")


@router.get("/access-log")
def access_history(
    request: Request,
    session: Db,
    user: Customer,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    ctx = context_for(request, session, user, Purpose.DATA_SUBJECT_REQUEST)
    entries = access_log.own_trail(ctx, before_seq=before)
    return render(
        request,
        "portal/access_log.html",
        user=user,
        entries=entries,
        next_before=entries[-1].seq if len(entries) == access_log.PAGE else None,
    )
