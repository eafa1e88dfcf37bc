"""Staff console pages for surveys: build (marketing), send out, see results (P19)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from imbplus.bounds import RowId
from imbplus.errors import ValidationFailed
from imbplus.privacy import releases
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Category, Purpose
from imbplus.privacy.disclosure import THIRD_PARTY
from imbplus.surveys import invitations, results, service
from imbplus.surveys.schemas import (
    AGE_BANDS,
    COMPANY_SIZES,
    Audience,
    Kind,
    QuestionCreate,
    SurveyCreate,
)
from imbplus.web import menu
from imbplus.web.errors import validation_problems
from imbplus.web.guards import STAFF_PAGES
from imbplus.web.pages import ConsoleContext, User, page_guard, render

router = APIRouter(prefix="/console/surveys", include_in_schema=False, dependencies=STAFF_PAGES)
PAGE = menu.page(
    "surveys",
    "/console/surveys",
    {Category.SURVEY_RESPONSE},
    serves={Purpose.MARKET_RESEARCH},
    order=60,
)
Field = Annotated[str, Form(max_length=4000)]
Small = Annotated[str, Form(max_length=64)]


def _problems(exc: ValidationError | ValidationFailed) -> list[dict[str, str]]:
    found = (
        validation_problems(exc.errors())
        if isinstance(exc, ValidationError)
        else list(exc.details.get("fields", []))
    )
    # model-level rules name their field at the start of the message ("options: ...")
    for p in found:
        if p["field"] == "body" and ": " in p["problem"]:
            p["field"], p["problem"] = p["problem"].split(": ", 1)
    return found


def _list(
    request: Request,
    user: User,
    ctx: Context,
    status: int = 200,
    problems: list[dict[str, str]] | None = None,
) -> Response:
    return render(
        request,
        "console/surveys.html",
        status,
        user=user,
        purpose=ctx.purpose,
        surveys=service.list_all(ctx.session),
        counts=service.response_counts(ctx.session),
        may_build=service.may_build(ctx),
        audiences=list(Audience),
        problems=problems or [],
    )


@router.get("", dependencies=[page_guard(PAGE)])
def survey_list(request: Request, user: User, ctx: ConsoleContext) -> Response:
    return _list(request, user, ctx)


@router.post("")
def create(
    request: Request,
    user: User,
    ctx: ConsoleContext,
    title: Field,
    intro: Field = "",
    lang: Small = "pl",
    audience: Small = "customers",
) -> Response:
    try:
        # form fields are text: enums are parsed from their values here
        data = SurveyCreate.model_validate(
            {"title": title, "intro": intro, "lang": lang, "audience": audience}, strict=False
        )
    except ValidationError as exc:
        return _list(request, user, ctx, 422, _problems(exc))
    survey = service.create(ctx, data)
    return RedirectResponse(f"/console/surveys/{survey.id}", status_code=303)


def _detail(
    request: Request,
    user: User,
    ctx: Context,
    survey_id: str,
    status: int = 200,
    problems: list[dict[str, str]] | None = None,
    message: str | None = None,
) -> Response:
    survey = service.get(ctx.session, survey_id)
    return render(
        request,
        "console/survey.html",
        status,
        user=user,
        purpose=ctx.purpose,
        survey=survey,
        responses=service.response_counts(ctx.session).get(survey.id, 0),
        may_build=service.may_build(ctx),
        kinds=list(Kind),
        age_bands=AGE_BANDS,
        company_sizes=COMPANY_SIZES,
        for_customers=service.for_customers(survey),
        for_visitors=service.for_visitors(survey),
        problems=problems or [],
        message=message,
    )


@router.get("/{survey_id}")
def detail(request: Request, user: User, ctx: ConsoleContext, survey_id: str) -> Response:
    return _detail(request, user, ctx, survey_id)


def _limit(value: str) -> int | str | None:
    value = value.strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        return value  # refused by the strict model, naming the field


@router.post("/{survey_id}/questions")
def add_question(
    request: Request,
    user: User,
    ctx: ConsoleContext,
    survey_id: str,
    kind: Small,
    prompt: Field,
    options: Field = "",
    required: Small = "",
    min_value: Small = "",
    max_value: Small = "",
) -> Response:
    try:
        data = QuestionCreate.model_validate(
            {
                "kind": kind,
                "prompt": prompt,
                "required": required == "on",
                "options": [line.strip() for line in options.splitlines() if line.strip()],
                "min_value": _limit(min_value),
                "max_value": _limit(max_value),
            },
            strict=False,
        )
    except ValidationError as exc:
        return _detail(request, user, ctx, survey_id, 422, _problems(exc))
    service.add_question(ctx, survey_id, data)
    return RedirectResponse(f"/console/surveys/{survey_id}", status_code=303)


@router.post("/{survey_id}/questions/{question_id}/delete")
def remove_question(ctx: ConsoleContext, survey_id: str, question_id: RowId) -> Response:
    service.remove_question(ctx, survey_id, question_id)
    return RedirectResponse(f"/console/surveys/{survey_id}", status_code=303)


@router.post("/{survey_id}/open")
def open_survey(ctx: ConsoleContext, survey_id: str) -> Response:
    service.open_survey(ctx, survey_id)
    return RedirectResponse(f"/console/surveys/{survey_id}", status_code=303)


@router.post("/{survey_id}/close")
def close_survey(ctx: ConsoleContext, survey_id: str) -> Response:
    service.close_survey(ctx, survey_id)
    return RedirectResponse(f"/console/surveys/{survey_id}", status_code=303)


@router.post("/{survey_id}/invite")
def invite(
    request: Request, user: User, ctx: ConsoleContext, survey_id: str, channel: Small
) -> Response:
    """Invite every eligible customer (never those who opted out) on one channel."""
    try:
        report = invitations.invite(ctx, survey_id, channel)
    except ValidationFailed as exc:
        return _detail(request, user, ctx, survey_id, 422, _problems(exc))
    how = "e-mail" if channel == "email" else "a portal notice"
    who = "customer" if report.invited == 1 else "customers"
    message = f"Invited {report.invited} {who} by {how}."
    return _detail(request, user, ctx, survey_id, message=message)


@router.get("/{survey_id}/results")
def survey_results(request: Request, user: User, ctx: ConsoleContext, survey_id: str) -> Response:
    found = results.results(ctx, survey_id)
    return render(
        request,
        "console/survey_results.html",
        user=user,
        purpose=ctx.purpose,
        results=found,
        # an anonymized export of the answers goes only to a registered third party (P06)
        third_parties=releases.recipients(ctx.session, THIRD_PARTY),
    )
