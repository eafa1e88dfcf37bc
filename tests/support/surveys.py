"""Survey factories (through the real services)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.runtime import Runtime
from imbplus.surveys import answers, service
from imbplus.surveys.models import Survey
from imbplus.surveys.schemas import QuestionCreate, SurveyCreate

ALL_KINDS: list[dict[str, object]] = [
    {
        "kind": "single_choice",
        "prompt": "Jak oceniasz IMB+?",
        "required": True,
        "options": ["Dobrze", "Średnio", "Źle"],
    },
    {"kind": "multiple_choice", "prompt": "Co oglądasz?", "options": ["Sport", "Filmy", "News"]},
    {"kind": "number", "prompt": "Ile masz telewizorów?", "min_value": 0, "max_value": 5},
    {"kind": "postal_code", "prompt": "Kod pocztowy"},
    {"kind": "age", "prompt": "Wiek"},
    {"kind": "age_band", "prompt": "Przedział wieku"},
    {"kind": "company_size", "prompt": "Wielkość firmy"},
    {"kind": "free_text", "prompt": "Uwagi"},
    {"kind": "email", "prompt": "E-mail, jeśli chcesz odpowiedzi"},
    {"kind": "phone", "prompt": "Telefon"},
]


def make_survey(
    rt: Runtime,
    questions: Sequence[Mapping[str, object]] = ALL_KINDS,
    *,
    audience: str = "everyone",
    title: str = "Zadowolenie z usług",
    opened: bool = True,
) -> Survey:
    with rt.job("surveys", Purpose.MARKET_RESEARCH) as ctx:
        data = SurveyCreate.model_validate({"title": title, "audience": audience}, strict=False)
        survey = service.create(ctx, data)
        for q in questions:
            service.add_question(ctx, survey.id, QuestionCreate.model_validate(q, strict=False))
        if opened:
            service.open_survey(ctx, survey.id)
        return survey


def answer_as(
    rt: Runtime, survey_id: str, form: Mapping[str, Sequence[str]], customer_id: str | None
) -> str:
    with rt.unit_of_work() as s:
        if customer_id:
            ctx = Context(s, rt, Actor.customer(customer_id), Purpose.MARKET_RESEARCH)
        else:
            ctx = Context(s, rt, Actor.system("surveys"), Purpose.MARKET_RESEARCH)
        survey = service.get(s, survey_id)
        return answers.submit(ctx, survey, form, customer_id=customer_id, lang="pl")


def field_names(rt: Runtime, survey_id: str) -> dict[str, str]:
    """kind -> form field name of the survey's first question of that kind."""
    with rt.sessions() as s:
        survey = service.get(s, survey_id)
        names: dict[str, str] = {}
        for q in survey.questions:
            names.setdefault(q.kind, f"q{q.id}")
        return names


def option_ids(rt: Runtime, survey_id: str, kind: str) -> list[str]:
    with rt.sessions() as s:
        survey = service.get(s, survey_id)
        question = next(q for q in survey.questions if q.kind == kind)
        return [str(o.id) for o in question.options]
