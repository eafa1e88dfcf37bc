"""A demo survey, open to subscribers and visitors, with the demo subscriber invited."""

from __future__ import annotations

from sqlalchemy import select

from imbplus.privacy.catalog import Purpose
from imbplus.runtime import Runtime
from imbplus.surveys import invitations, service
from imbplus.surveys.models import Survey
from imbplus.surveys.schemas import QuestionCreate, SurveyCreate

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
