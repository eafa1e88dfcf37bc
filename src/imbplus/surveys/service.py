"""Building surveys (staff with the marketing role) and finding them (P19).

Survey definitions hold no personal data; answers are handled in `answers`, invitations
and the opt-out in `invitations`, results in `results`.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from imbplus.clock import clock
from imbplus.errors import AccessDenied, Conflict, NotFound
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import ActorKind, Role
from imbplus.surveys.models import Option, Question, Response, Survey
from imbplus.surveys.schemas import (
    MAX_QUESTIONS,
    Audience,
    QuestionCreate,
    Status,
    SurveyCreate,
)


def _is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def may_build(ctx: Context) -> bool:
    return ctx.actor.kind == ActorKind.SYSTEM or Role.MARKETING.value in ctx.actor.roles


def require_author(ctx: Context) -> None:
    if not may_build(ctx):
        raise AccessDenied(
            "only the marketing role builds and sends surveys",
            role=",".join(ctx.actor.roles),
        )


def get(session: Session, survey_id: str) -> Survey:
    survey = session.get(Survey, survey_id) if _is_uuid(survey_id) else None
    if survey is None:
        raise NotFound("no survey with this id", survey=survey_id[:64])
    return survey


def list_all(session: Session) -> list[Survey]:
    return list(session.execute(select(Survey).order_by(Survey.created_at.desc())).scalars())


def response_counts(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(Response.survey_id, func.count()).group_by(Response.survey_id)
    ).all()
    return {survey_id: int(n) for survey_id, n in rows}


def create(ctx: Context, data: SurveyCreate) -> Survey:
    require_author(ctx)
    survey = Survey(
        id=str(uuid.uuid4()),
        title=data.title,
        intro=data.intro,
        lang=data.lang,
        audience=data.audience.value,
        status=Status.DRAFT.value,
        created_by=ctx.actor.id,
        created_at=clock.now(),
    )
    ctx.session.add(survey)
    ctx.session.flush()
    ctx.note("survey.created", reason=f"survey:{survey.id}")
    return survey


def _draft(ctx: Context, survey_id: str) -> Survey:
    require_author(ctx)
    survey = get(ctx.session, survey_id)
    if survey.status != Status.DRAFT:
        raise Conflict("questions can be changed only while the survey is a draft")
    return survey


def add_question(ctx: Context, survey_id: str, data: QuestionCreate) -> Question:
    survey = _draft(ctx, survey_id)
    if len(survey.questions) >= MAX_QUESTIONS:
        raise Conflict(f"a survey has at most {MAX_QUESTIONS} questions")
    question = Question(
        position=max((q.position for q in survey.questions), default=0) + 1,
        kind=data.kind.value,
        prompt=data.prompt,
        required=data.required,
        min_value=data.min_value,
        max_value=data.max_value,
        options=[Option(position=i, label=label) for i, label in enumerate(data.options, 1)],
    )
    survey.questions.append(question)
    ctx.session.flush()
    return question


def remove_question(ctx: Context, survey_id: str, question_id: int) -> None:
    survey = _draft(ctx, survey_id)
    question = next((q for q in survey.questions if q.id == question_id), None)
    if question is None:
        raise NotFound("no such question in this survey")
    survey.questions.remove(question)
    ctx.session.flush()


def open_survey(ctx: Context, survey_id: str) -> Survey:
    survey = _draft(ctx, survey_id)
    if not survey.questions:
        raise Conflict("add at least one question before opening the survey")
    survey.status, survey.opened_at = Status.OPEN.value, clock.now()
    ctx.note("survey.opened", reason=f"survey:{survey.id}")
    return survey


def close_survey(ctx: Context, survey_id: str) -> Survey:
    require_author(ctx)
    survey = get(ctx.session, survey_id)
    if survey.status != Status.OPEN:
        raise Conflict("only an open survey can be closed")
    survey.status, survey.closed_at = Status.CLOSED.value, clock.now()
    ctx.note("survey.closed", reason=f"survey:{survey.id}")
    return survey


def for_customers(survey: Survey) -> bool:
    return survey.audience in (Audience.CUSTOMERS, Audience.EVERYONE)


def for_visitors(survey: Survey) -> bool:
    return survey.audience in (Audience.PUBLIC, Audience.EVERYONE)
