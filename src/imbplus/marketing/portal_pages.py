"""The subscriber's objection to marketing (B01, GDPR art. 21(2)): a switch in the portal,
and the link in every marketing message, which works without login.

The link's page asks before it records (a mail scanner that opens links objects to
nothing); its answer is the same for a link that is not ours, so it tells a guesser
nothing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response

from imbplus.marketing import links, objections
from imbplus.portal.forms import redirect
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.site import forms
from imbplus.traffic import limits
from imbplus.web.deps import Db, get_runtime
from imbplus.web.guards import PUBLIC
from imbplus.web.pages import render
from imbplus.web.subscribers import SUBSCRIBER_PAGES, Customer, context_for

portal_router = APIRouter(
    prefix="/portal/privacy/marketing", include_in_schema=False, dependencies=SUBSCRIBER_PAGES
)
link_router = APIRouter(prefix=links.PATH, include_in_schema=False, dependencies=PUBLIC)
Token = Annotated[str, Query(max_length=links.MAX_LENGTH)]
Choice = Annotated[str, Form(max_length=16)]
Link = Annotated[str, Form(max_length=links.MAX_LENGTH)]


@portal_router.get("")
def setting(request: Request, session: Db, user: Customer, done: str = "") -> Response:
    return render(
        request,
        "portal/marketing.html",
        user=user,
        objection=objections.current(session, user.customer_id),
        done=done if done in ("objected", "withdrawn") else "",
    )


@portal_router.post("")
def change(request: Request, session: Db, user: Customer, choice: Choice) -> Response:
    ctx = context_for(request, session, user, Purpose.DATA_SUBJECT_REQUEST)
    if choice == "object":
        objections.object_to_marketing(ctx, user.customer_id, "portal")
        return redirect(request, "/portal/privacy/marketing?done=objected")
    if choice == "welcome":
        objections.withdraw(ctx, user.customer_id)
        return redirect(request, "/portal/privacy/marketing?done=withdrawn")
    return render(
        request,
        "portal/marketing.html",
        422,
        user=user,
        objection=objections.current(session, user.customer_id),
        done="",
    )


@link_router.get("")
def confirm_form(request: Request, token: Token = "") -> Response:
    return render(request, "site/unsubscribe.html", link=token, done=False)


@link_router.post("", dependencies=[Depends(forms.SignedForm("unsubscribe"))])
def confirm(request: Request, session: Db, link: Link = "") -> Response:
    limits.guard(request, session, "token")
    rt = get_runtime(request)
    customer_id = links.customer_of(rt.keyring.master, link)
    if customer_id is None:
        limits.count(request, session, "token")
    else:
        ctx = Context(session, rt, Actor.customer(customer_id), Purpose.DATA_SUBJECT_REQUEST)
        objections.object_to_marketing(ctx, customer_id, "link")
    return render(request, "site/unsubscribe.html", link="", done=True)
