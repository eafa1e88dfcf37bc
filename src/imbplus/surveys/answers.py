"""Answering a survey: typed validation, then storage by category (P19).

Each answer is checked against its question's type; a refused submission stores nothing
and names every field that failed. Free text, e-mail and phone answers are encrypted under
the respondent's key (the customer's own key, so erasing the customer erases them; the
system key for visitors). Quasi-identifiers are stored in typed columns.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from imbplus.clock import clock
from imbplus.customers import service as customers
from imbplus.customers import validation as v
from imbplus.errors import AccessDenied, Conflict, NotFound, ValidationFailed
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category
from imbplus.privacy.crypto import SCOPE_SYSTEM
from imbplus.surveys import invitations
from imbplus.surveys import service as surveys
from imbplus.surveys.models import Answer, Question, Response, Survey
from imbplus.surveys.schemas import (
    AGE_BANDS,
    AGE_MAX,
    CHOICE_KINDS,
    COMPANY_SIZES,
    ENCRYPTED_KINDS,
    NUMBER_LIMIT,
    Kind,
    Status,
    category_of,
)

TABLE = "survey_answers"
FREE_TEXT_MAX = 2000


def field_name(question: Question) -> str:
    return f"q{question.id}"


@dataclass
class _Value:
    option_ids: tuple[int, ...] = ()
    number: int | None = None
    postal_code: str | None = None
    age: int | None = None
    age_band: str | None = None
    company_size: str | None = None
    text: str | None = None


def _free_text(value: str) -> str:
    value = unicodedata.normalize("NFC", value).strip()
    if len(value) > FREE_TEXT_MAX:
        raise ValueError(f"at most {FREE_TEXT_MAX} characters")
    bad = {"Cc", "Cs"}
    if any(unicodedata.category(ch) in bad and ch not in "\n\t" for ch in value):
        raise ValueError("control characters are not allowed")
    return value.replace("\r\n", "\n")


def _integer(value: str, low: int, high: int) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        raise ValueError("must be a whole number") from None
    if not low <= number <= high:
        raise ValueError(f"between {low} and {high}")
    return number


def _choice(question: Question, values: Sequence[str]) -> tuple[int, ...]:
    valid = {str(o.id): o.id for o in question.options}
    chosen = []
    for value in values:
        if value not in valid:
            raise ValueError("not one of the options")
        if valid[value] not in chosen:
            chosen.append(valid[value])
    if question.kind == Kind.SINGLE_CHOICE and len(chosen) > 1:
        raise ValueError("choose one option")
    return tuple(chosen)


def _parse(question: Question, values: Sequence[str]) -> _Value | None:
    """The typed value of one answer, None when left empty; ValueError names the rule."""
    values = [x for x in values if x.strip()]
    if not values:
        if question.required:
            raise ValueError("an answer is required")
        return None
    kind = Kind(question.kind)
    if kind in CHOICE_KINDS:
        return _Value(option_ids=_choice(question, values))
    if len(values) > 1:
        raise ValueError("one answer only")
    value = values[0]
    if kind == Kind.FREE_TEXT:
        return _Value(text=_free_text(value))
    if kind == Kind.NUMBER:
        low = question.min_value if question.min_value is not None else -NUMBER_LIMIT
        high = question.max_value if question.max_value is not None else NUMBER_LIMIT
        return _Value(number=_integer(value, low, high))
    if kind == Kind.POSTAL_CODE:
        return _Value(postal_code=v.postal_code(value))
    if kind == Kind.AGE:
        return _Value(age=_integer(value, 0, AGE_MAX))
    if kind == Kind.AGE_BAND:
        if value not in AGE_BANDS:
            raise ValueError("not one of the age bands")
        return _Value(age_band=value)
    if kind == Kind.COMPANY_SIZE:
        if value not in COMPANY_SIZES:
            raise ValueError("not one of the company sizes")
        return _Value(company_size=value)
    if kind == Kind.EMAIL:
        return _Value(text=v.email(value))
    return _Value(text=v.phone(value))  # Kind.PHONE


def parse(survey: Survey, form: Mapping[str, Sequence[str]]) -> dict[int, _Value]:
    """Every answer of a submission, or ValidationFailed naming each refused field."""
    parsed: dict[int, _Value] = {}
    problems: list[dict[str, str]] = []
    for question in survey.questions:
        try:
            value = _parse(question, form.get(field_name(question), ()))
        except ValueError as exc:
            problems.append({"field": field_name(question), "problem": str(exc)})
            continue
        if value is not None:
            parsed[question.id] = value
    if problems:
        raise ValidationFailed(problems)
    if not parsed:
        raise ValidationFailed([{"field": "answers", "problem": "answer at least one question"}])
    return parsed


def _open_for(ctx: Context, survey: Survey, customer_id: str | None) -> None:
    allowed = surveys.for_customers if customer_id else surveys.for_visitors
    if not allowed(survey) or survey.status == Status.DRAFT:
        raise NotFound("no survey with this id", survey=survey.id)
    if survey.status != Status.OPEN:
        raise Conflict("this survey is closed", survey=survey.id)
    if customer_id is None:
        return
    if invitations.opted_out(ctx.session, customer_id):
        raise AccessDenied("you opted out of surveys", survey=survey.id)
    if answered(ctx, survey.id, customer_id):
        raise Conflict("you answered this survey already", survey=survey.id)


def answered(ctx: Context, survey_id: str, customer_id: str) -> bool:
    found = ctx.session.execute(
        select(Response.id).where(
            Response.survey_id == survey_id, Response.customer_id == customer_id
        )
    ).first()
    return found is not None


def check_open(ctx: Context, survey: Survey, customer_id: str | None) -> None:
    """Refuse to show a survey its caller may not answer (404, closed, opted out, done)."""
    _open_for(ctx, survey, customer_id)


def submit(
    ctx: Context,
    survey: Survey,
    form: Mapping[str, Sequence[str]],
    *,
    customer_id: str | None,
    lang: str,
) -> str:
    """Store one submission; returns the response id. A customer answers for themselves
    (`ctx` is theirs); a visitor's answer is stored by the `surveys` system job."""
    _open_for(ctx, survey, customer_id)
    parsed = parse(survey, form)
    ctx.check(
        Action.WRITE,
        {Category.SURVEY_RESPONSE},
        operation="survey.answer",
        subjects=[customer_id],
    )
    if customer_id:
        key_id = customers.data_key_id(ctx, customer_id)
    else:
        key_id = ctx.keyring.system_key(ctx.session, SCOPE_SYSTEM)
    response = Response(
        id=str(uuid.uuid4()),
        survey_id=survey.id,
        respondent="customer" if customer_id else "visitor",
        customer_id=customer_id,
        key_id=key_id,
        lang=lang,
        submitted_at=clock.now(),
    )
    ctx.session.add(response)
    try:
        with ctx.session.begin_nested():
            ctx.session.flush()
    except IntegrityError:  # a second submission raced the first
        raise Conflict("you answered this survey already", survey=survey.id) from None
    _store_answers(ctx, survey, parsed, response.id, key_id)
    return response.id


def _store_answers(
    ctx: Context, survey: Survey, parsed: dict[int, _Value], response_id: str, key_id: int
) -> None:
    """One row per answer (per option chosen); free text sealed under `key_id`."""
    sealed: list[tuple[Answer, str]] = []
    for question in survey.questions:
        value = parsed.get(question.id)
        if value is None:
            continue
        kind = Kind(question.kind)
        common = {
            "response_id": response_id,
            "question_id": question.id,
            "category": category_of(kind).value,
        }
        if kind in CHOICE_KINDS:
            ctx.session.add_all(Answer(**common, option_id=o) for o in value.option_ids)
            continue
        answer = Answer(
            **common,
            number_value=value.number,
            postal_code=value.postal_code,
            age=value.age,
            age_band=value.age_band,
            company_size=value.company_size,
        )
        ctx.session.add(answer)
        if kind in ENCRYPTED_KINDS and value.text is not None:
            sealed.append((answer, value.text))
    ctx.session.flush()
    for answer, text in sealed:
        answer.text_ct = ctx.keyring.seal(
            ctx.session, key_id, TABLE, "text_ct", str(answer.id), text
        )
