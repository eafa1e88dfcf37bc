"""Answering surveys: subscribers in the portal, visitors on the public site (P19).

A subscriber answers as themselves (their answers are encrypted under their key and they
can opt out of all surveys, for good); a visitor answers anonymously, without an account
and without any cookie but the form's anti-forgery one.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from imbplus.errors import AccessDenied, Conflict, ValidationFailed
from imbplus.portal.forms import redirect, render_with_csrf
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.surveys import answers, invitations, service
from imbplus.surveys.models import Survey
from imbplus.surveys.schemas import AGE_BANDS, COMPANY_SIZES, MAX_OPTIONS, MAX_QUESTIONS
from imbplus.traffic import limits
from imbplus.web import i18n
from imbplus.web.deps import Db, get_runtime
from imbplus.web.guards import pre_login_form_csrf, public
from imbplus.web.pages import render
from imbplus.web.subscribers import Customer, context_for, portal_form_csrf, portal_user


async def survey_form(request: Request) -> FormData:
    """The posted answers (field names depend on the survey, so the form is read whole)."""
    return await request.form(max_files=0, max_fields=MAX_QUESTIONS * MAX_OPTIONS + 10)


Answers = Annotated[FormData, Depends(survey_form)]
# The answers are read under their own limits before the anti-forgery check reads the same
# (kept) form for its token; the caller is known before either.
portal_router = APIRouter(
    prefix="/portal/surveys",
    include_in_schema=False,
    dependencies=[Depends(portal_user), Depends(survey_form), Depends(portal_form_csrf)],
)
public_router = APIRouter(
    prefix="/surveys",
    include_in_schema=False,
    dependencies=[Depends(public), Depends(survey_form), Depends(pre_login_form_csrf)],
)


def _values(form: FormData) -> dict[str, list[str]]:
    return {key: [str(v) for v in form.getlist(key)] for key in form if key.startswith("q")}


def _problems(exc: ValidationFailed) -> dict[str, str]:
    return {p["field"]: p["problem"] for p in exc.details.get("fields", [])}


def _unavailable(
    request: Request, layout: str, reason: str, status: int, **extra: object
) -> Response:
    return render(
        request, "surveys/unavailable.html", status, layout=layout, reason=reason, **extra
    )


def _answer_page(
    request: Request,
    survey: Survey,
    layout: str,
    action: str,
    status: int = 200,
    values: dict[str, list[str]] | None = None,
    problems: dict[str, str] | None = None,
    **extra: object,
) -> Response:
    context = {
        "layout": layout,
        "survey": survey,
        "action": action,
        "values": values or {},
        "problems": problems or {},
        "age_bands": AGE_BANDS,
        "company_sizes": COMPANY_SIZES,
        **extra,
    }
    if layout == "site/base.html":
        return render_with_csrf(request, "surveys/answer.html", status, **context)
    return render(request, "surveys/answer.html", status, **context)


# -- the portal -------------------------------------------------------------------------
PORTAL = "portal/base.html"


def _research(request: Request, session: Db, user: Customer) -> Context:
    return context_for(request, session, user, Purpose.MARKET_RESEARCH)


@portal_router.get("")
def my_surveys(
    request: Request, session: Db, user: Customer, done: Annotated[str, Query(max_length=16)] = ""
) -> Response:
    return _my_surveys(request, session, user, notice=done)


def _my_surveys(
    request: Request,
    session: Db,
    user: Customer,
    status: int = 200,
    problem: bool = False,
    notice: str = "",
) -> Response:
    return render(
        request,
        "surveys/mine.html",
        status,
        user=user,
        opted_out_at=invitations.opted_out_at(session, user.customer_id),
        invited=invitations.pending_for(session, user.customer_id),
        notice=notice if notice in ("answered", "opted_out") else None,
        problem=problem,
    )


@portal_router.post("/opt-out")
def opt_out(
    request: Request,
    session: Db,
    user: Customer,
    confirm: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    if confirm != "yes":
        return _my_surveys(request, session, user, 422, problem=True)
    invitations.opt_out(_research(request, session, user), user.customer_id)
    return redirect(request, "/portal/surveys?done=opted_out")


def _portal_survey(
    request: Request, ctx: Context, survey_id: str, customer_id: str
) -> Survey | Response:
    survey = service.get(ctx.session, survey_id)
    try:
        answers.check_open(ctx, survey, customer_id)
    except AccessDenied:
        return _unavailable(request, PORTAL, "opted_out", 403)
    except Conflict as exc:
        reason = "answered" if "answered" in exc.message else "closed"
        return _unavailable(request, PORTAL, reason, 409)
    return survey


@portal_router.get("/{survey_id}")
def answer_form(request: Request, session: Db, user: Customer, survey_id: str) -> Response:
    ctx = _research(request, session, user)
    found = _portal_survey(request, ctx, survey_id, user.customer_id)
    if isinstance(found, Response):
        return found
    action = i18n.localized(i18n.lang_of(request.scope), f"/portal/surveys/{survey_id}")
    return _answer_page(request, found, PORTAL, action, user=user)


@portal_router.post("/{survey_id}")
def answer(
    request: Request, session: Db, user: Customer, survey_id: str, form: Answers
) -> Response:
    limits.guard(request, session, "survey")
    ctx = _research(request, session, user)
    found = _portal_survey(request, ctx, survey_id, user.customer_id)
    if isinstance(found, Response):
        return found
    values = _values(form)
    try:
        answers.submit(
            ctx, found, values, customer_id=user.customer_id, lang=i18n.lang_of(request.scope)
        )
    except ValidationFailed as exc:
        action = i18n.localized(i18n.lang_of(request.scope), f"/portal/surveys/{survey_id}")
        return _answer_page(request, found, PORTAL, action, 422, values, _problems(exc), user=user)
    limits.count(request, session, "survey")
    return redirect(request, "/portal/surveys?done=answered")


# -- the public site --------------------------------------------------------------------
PUBLIC = "site/base.html"


def _visitor_job(request: Request, session: Db) -> Context:
    return Context(
        session,
        get_runtime(request),
        Actor.system("surveys"),
        Purpose.MARKET_RESEARCH,
        request.state.request_id,
    )


def _public_survey(request: Request, ctx: Context, survey_id: str) -> Survey | Response:
    survey = service.get(ctx.session, survey_id)
    try:
        answers.check_open(ctx, survey, None)
    except Conflict:
        return _unavailable(request, PUBLIC, "closed", 409)
    return survey


@public_router.get("/{survey_id}")
def public_form(request: Request, session: Db, survey_id: str) -> Response:
    found = _public_survey(request, _visitor_job(request, session), survey_id)
    if isinstance(found, Response):
        return found
    action = i18n.localized(i18n.lang_of(request.scope), f"/surveys/{survey_id}")
    return _answer_page(request, found, PUBLIC, action)


@public_router.post("/{survey_id}")
def public_answer(request: Request, session: Db, survey_id: str, form: Answers) -> Response:
    limits.guard(request, session, "survey")
    ctx = _visitor_job(request, session)
    found = _public_survey(request, ctx, survey_id)
    if isinstance(found, Response):
        return found
    values = _values(form)
    try:
        answers.submit(ctx, found, values, customer_id=None, lang=i18n.lang_of(request.scope))
    except ValidationFailed as exc:
        action = i18n.localized(i18n.lang_of(request.scope), f"/surveys/{survey_id}")
        return _answer_page(request, found, PUBLIC, action, 422, values, _problems(exc))
    limits.count(request, session, "survey")
    return redirect(request, f"/surveys/{survey_id}/thanks")


@public_router.get("/{survey_id}/thanks")
def thanks(request: Request, session: Db, survey_id: str) -> Response:
    service.get(session, survey_id)
    return _unavailable(request, PUBLIC, "thanks", 200)
