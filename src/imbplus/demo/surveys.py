"""A demo survey, open to subscribers and visitors, with the demo subscriber invited, and
fictitious visitors' answers to it."""

from __future__ import annotations

import random

from sqlalchemy import func, select

from imbplus.privacy.catalog import Purpose
from imbplus.runtime import Runtime
from imbplus.surveys import answers, invitations, service
from imbplus.surveys.models import Response, Survey
from imbplus.surveys.schemas import AGE_BANDS, QuestionCreate, SurveyCreate

TITLE = "Jak oceniasz IMB+?"
QUESTIONS = [
    {
        "kind": "single_choice",
        "prompt": "Jak oceniasz jakość obrazu?",
        "required": True,
        "options": ["Bardzo dobrze", "Dobrze", "Średnio", "Słabo"],
    },
    {
        "kind": "multiple_choice",
        "prompt": "Co oglądasz najczęściej?",
        "options": ["Sport", "Filmy i seriale", "Wiadomości", "Bajki"],
    },
    {"kind": "number", "prompt": "Ile telewizorów masz w domu?", "min_value": 0, "max_value": 6},
    {"kind": "age_band", "prompt": "Twój wiek"},
    {"kind": "postal_code", "prompt": "Kod pocztowy (do statystyk regionalnych)"},
    {"kind": "company_size", "prompt": "Jeśli oglądasz w firmie: ile osób w niej pracuje?"},
    {"kind": "free_text", "prompt": "Co możemy poprawić?"},
    {"kind": "email", "prompt": "E-mail, jeśli chcesz, żebyśmy odpowiedzieli"},
]


def ensure_demo_survey(rt: Runtime) -> str:
    """The demo survey's id; made, opened and sent to portal users the first time."""
    with rt.job("surveys", Purpose.MARKET_RESEARCH) as ctx:
        found = ctx.session.execute(select(Survey.id).where(Survey.title == TITLE)).scalar()
        if found:
            return str(found)
        survey = service.create(
            ctx, SurveyCreate.model_validate({"title": TITLE, "audience": "everyone"}, strict=False)
        )
        for question in QUESTIONS:
            service.add_question(
                ctx, survey.id, QuestionCreate.model_validate(question, strict=False)
            )
        service.open_survey(ctx, survey.id)
        invitations.invite(ctx, survey.id, "portal")
        return survey.id


def answered(rt: Runtime, survey_id: str, wanted: int = 60) -> int:
    """Fictitious visitors' answers to the demo survey, up to `wanted` in all (seeded, so
    every demo holds the same ones): enough for an anonymized release of its results.
    Contact and free-text questions are left empty. Returns how many were added."""
    with rt.sessions() as s:
        have = s.execute(
            select(func.count()).select_from(Response).where(Response.survey_id == survey_id)
        ).scalar_one()
        survey = service.get(s, survey_id)
        questions = {q.kind: (f"q{q.id}", [str(o.id) for o in q.options]) for q in survey.questions}
    rng = random.Random(2026)
    for _ in range(max(0, wanted - have)):
        form = {
            questions["single_choice"][0]: [rng.choice(questions["single_choice"][1][:3])],
            questions["multiple_choice"][0]: rng.sample(questions["multiple_choice"][1], 2),
            questions["number"][0]: [str(rng.choice([1, 1, 2, 2, 3]))],
            questions["age_band"][0]: [rng.choice(AGE_BANDS[1:5])],
            questions["postal_code"][0]: [rng.choice(["31-042", "31-150", "30-001", "00-950"])],
        }
        with rt.job("surveys", Purpose.MARKET_RESEARCH) as ctx:
            answers.submit(ctx, survey, form, customer_id=None, lang="pl")
    return max(0, wanted - have)
