"""Survey answers as a table for an anonymized release (P06, P19).

One row per response: its demographic answers (postal code, age, age band, company size)
and its choice answers, by question. Free text, e-mail and phone answers never enter the
table; numbers neither (a precise number can single a person out). The table names no
respondent: customer ids are used only to record the read against each of them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from imbplus.errors import ValidationFailed
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category
from imbplus.surveys import service as surveys
from imbplus.surveys.models import Answer, Question, Response, Survey
from imbplus.surveys.schemas import CHOICE_KINDS, QUASI_IDENTIFIERS, Kind

DEMOGRAPHIC = (Kind.POSTAL_CODE, Kind.AGE, Kind.AGE_BAND, Kind.COMPANY_SIZE)


@dataclass
class SurveyTable:
    columns: dict[str, list[str]] = field(default_factory=dict)
    demographic: list[str] = field(default_factory=list)  # quasi-identifiers
    choices: list[str] = field(default_factory=list)
    sensitive: str | None = None  # the first single-choice answer: what the survey asks
    respondents: int = 0


def _value(answer: Answer, question: Question, labels: dict[int, str]) -> str:
    kind = Kind(question.kind)
    if kind == Kind.POSTAL_CODE:
        return answer.postal_code or ""
    if kind == Kind.AGE:
        return "" if answer.age is None else str(answer.age)
    if kind == Kind.AGE_BAND:
        return answer.age_band or ""
    if kind == Kind.COMPANY_SIZE:
        return answer.company_size or ""
    return labels.get(answer.option_id or 0, "")


def _released(survey: Survey | None) -> dict[int, tuple[str, Question]]:
    """Question id -> (column, question) of what a release may hold."""
    if survey is None:
        return {}
    return {
        q.id: (f"q{q.position}_{q.kind}", q)
        for q in survey.questions
        if Kind(q.kind) in QUASI_IDENTIFIERS or Kind(q.kind) in CHOICE_KINDS
    }


def table(ctx: Context, survey_id: str | None, *, operation: str) -> SurveyTable:
    """With a survey: its demographic and choice answers. Without: the demographic answers
    of every survey's respondents (one column per kind), with the survey's title."""
    survey = surveys.get(ctx.session, survey_id) if survey_id else None
    stmt = select(Response.id, Response.customer_id, Response.survey_id).order_by(
        Response.submitted_at, Response.id
    )
    if survey is not None:
        stmt = stmt.where(Response.survey_id == survey.id)
    responses = ctx.session.execute(stmt).all()
    if not responses:
        raise ValidationFailed([{"field": "survey", "problem": "no responses to release"}])
    subjects = sorted({r.customer_id for r in responses if r.customer_id})
    visitors = any(r.customer_id is None for r in responses)
    ctx.check(
        Action.READ,
        {Category.SURVEY_RESPONSE},
        operation=operation,
        subjects=[*subjects, None] if visitors else subjects,
    )
    if survey is not None:
        return _one(ctx, survey, [r.id for r in responses])
    return _all(ctx, [(r.id, r.survey_id) for r in responses])


def _answers(ctx: Context, response_ids: list[str]) -> dict[str, list[Answer]]:
    found: dict[str, list[Answer]] = defaultdict(list)
    for start in range(0, len(response_ids), 500):
        part = response_ids[start : start + 500]
        for answer in ctx.session.execute(
            select(Answer).where(Answer.response_id.in_(part)).order_by(Answer.id)
        ).scalars():
            found[answer.response_id].append(answer)
    return found


def _one(ctx: Context, survey: Survey, response_ids: list[str]) -> SurveyTable:
    released = _released(survey)
    labels = {o.id: o.label for q in survey.questions for o in q.options}
    names = [column for column, _ in released.values()]
    out = SurveyTable({n: [] for n in names}, respondents=len(response_ids))
    out.demographic = [c for c, q in released.values() if Kind(q.kind) in QUASI_IDENTIFIERS]
    out.choices = [c for c, q in released.values() if Kind(q.kind) in CHOICE_KINDS]
    single = [c for c, q in released.values() if q.kind == Kind.SINGLE_CHOICE]
    out.sensitive = single[0] if single else None
    by_response = _answers(ctx, response_ids)
    for response_id in response_ids:
        row: dict[str, list[str]] = defaultdict(list)
        for answer in by_response.get(response_id, []):
            if answer.question_id in released:
                column, question = released[answer.question_id]
                row[column].append(_value(answer, question, labels))
        for name in names:
            out.columns[name].append("|".join(sorted(v for v in row[name] if v)))
    return out


def _all(ctx: Context, responses: list[tuple[str, str]]) -> SurveyTable:
    names = [k.value for k in DEMOGRAPHIC]
    out = SurveyTable({"survey": [], **{n: [] for n in names}}, respondents=len(responses))
    out.demographic = names
    kinds = {
        q.id: q
        for q in ctx.session.execute(
            select(Question).where(Question.kind.in_([k.value for k in DEMOGRAPHIC]))
        ).scalars()
    }
    titles = {sid: title for sid, title in ctx.session.execute(select(Survey.id, Survey.title))}
    by_response = _answers(ctx, [r for r, _ in responses])
    for response_id, survey_id in responses:
        row = dict.fromkeys(names, "")
        for answer in by_response.get(response_id, []):
            question = kinds.get(answer.question_id)
            if question is not None and not row[question.kind]:
                row[question.kind] = _value(answer, question, {})
        out.columns["survey"].append(titles.get(survey_id, ""))
        for name in names:
            out.columns[name].append(row[name])
    out.columns = {n: v for n, v in out.columns.items() if n == "survey" or any(v)}
    out.demographic = [n for n in names if n in out.columns]
    return out
