"""Privacy questions to the DPO (P23) and comments and suggestions (P24): public forms."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from imbplus.bounds import Flag
from imbplus.clock import clock
from imbplus.errors import ValidationFailed
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.site import feedback, forms, inquiries
from imbplus.site.pages import Counted
from imbplus.site.schemas import FEEDBACK_TOPICS, INQUIRY_TOPICS, FeedbackIn, InquiryIn, parse
from imbplus.web import i18n
from imbplus.web.deps import Db, get_runtime
from imbplus.web.guards import PUBLIC
from imbplus.web.pages import render
from imbplus.web.subscribers import optional_portal_user

router = APIRouter(include_in_schema=False, dependencies=PUBLIC)
# Generous limits here; the schemas say precisely what is accepted and the form is shown
# again with the reasons. The body limit of the site's forms caps everything.
Short = Annotated[str, Form(max_length=1000)]
Long = Annotated[str, Form(max_length=20_000)]
_REFERENCE = re.compile(r"^PRV-[A-Z0-9]{6}$")


def _site_context(request: Request, session: Db, purpose: Purpose) -> Context:
    """The site receiving a submission on the sender's behalf."""
    return Context(
        session, get_runtime(request), Actor.system("site"), purpose, request.state.request_id
    )


def _contact_page(
    request: Request,
    status: int = 200,
    form: dict[str, str] | None = None,
    problems: list[dict[str, str]] | None = None,
) -> Response:
    return render(
        request,
        "site/contact.html",
        status,
        form=form or {},
        problems=problems or [],
        topics=INQUIRY_TOPICS,
    )


@router.get("/contact")
def contact_form(request: Request, _view: Counted) -> Response:
    return _contact_page(request)


@router.post("/contact", dependencies=[Depends(forms.SignedForm("contact"))])
def contact_send(
    request: Request,
    session: Db,
    email: Short = "",
    topic: Short = "",
    message: Long = "",
    name: Short = "",
) -> Response:
    values = {"name": name, "email": email, "topic": topic, "message": message}
    try:
        data = parse(InquiryIn, dict(values))
    except ValidationFailed as exc:
        return _contact_page(request, 422, values, exc.details["fields"])
    customer = optional_portal_user(request, session)
    ctx = _site_context(request, session, Purpose.DATA_SUBJECT_REQUEST)
    row = inquiries.submit(
        ctx,
        data,
        lang=request.state.lang,
        customer_id=customer.customer_id if customer else None,
    )
    target = i18n.localized(request.state.lang, f"/contact/sent?ref={row.reference}")
    return RedirectResponse(target, status_code=303)


@router.get("/contact/sent")
def contact_sent(request: Request, ref: str = "") -> Response:
    reference = ref if _REFERENCE.fullmatch(ref) else None
    due = i18n.format_day(inquiries.one_month_later(clock.now()), request.state.lang)
    return render(request, "site/contact_sent.html", reference=reference, due=due)


def _feedback_page(
    request: Request,
    status: int = 200,
    form: dict[str, str] | None = None,
    problems: list[dict[str, str]] | None = None,
) -> Response:
    return render(
        request,
        "site/feedback.html",
        status,
        form=form or {},
        problems=problems or [],
        topics=FEEDBACK_TOPICS,
        sent=False,
    )


@router.get("/feedback")
def feedback_form(request: Request, _view: Counted, sent: Annotated[Flag, Query()] = 0) -> Response:
    if sent == 1:
        return render(request, "site/feedback.html", form={}, problems=[], sent=True)
    return _feedback_page(request)


@router.post("/feedback", dependencies=[Depends(forms.SignedForm("feedback"))])
def feedback_send(
    request: Request,
    session: Db,
    topic: Short = "",
    message: Long = "",
    email: Short = "",
    understood: Annotated[str | None, Form(max_length=8)] = None,
) -> Response:
    values = {"topic": topic, "message": message, "email": email}
    try:
        data = parse(FeedbackIn, {**values, "understood": understood == "on"})
    except ValidationFailed as exc:
        return _feedback_page(request, 422, values, exc.details["fields"])
    # never linked to a customer, even when the sender is logged in (P24)
    feedback.submit(
        _site_context(request, session, Purpose.SERVICE_IMPROVEMENT), data, lang=request.state.lang
    )
    target = i18n.localized(request.state.lang, "/feedback?sent=1")
    return RedirectResponse(target, status_code=303)
