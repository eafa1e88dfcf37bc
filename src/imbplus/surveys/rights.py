"""The customer's survey answers in a data-subject export (B01)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from imbplus.privacy import exports
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category
from imbplus.surveys.models import Answer, OptOut, Question, Response, Survey


def _export(ctx: Context, customer_id: str) -> dict[str, Any]:
    grant = ctx.check(
        Action.READ, {Category.SURVEY_RESPONSE}, operation="survey.export", subjects=[customer_id]
    )
    rows = ctx.session.execute(
        select(Response, Survey.title)
        .join(Survey, Survey.id == Response.survey_id)
        .where(Response.customer_id == customer_id)
        .order_by(Response.submitted_at)
    ).all()
    answers = []
    for response, title in rows:
        given = []
        for answer, prompt in ctx.session.execute(
            select(Answer, Question.prompt)
            .join(Question, Question.id == Answer.question_id)
            .where(Answer.response_id == response.id)
            .order_by(Answer.id)
        ).all():
            value: Any = next(
                (
                    v
                    for v in (
                        answer.number_value,
                        answer.postal_code,
                        answer.age,
                        answer.age_band,
                        answer.company_size,
                        answer.option_id,
                    )
                    if v is not None
                ),
                None,
            )
            if answer.text_ct is not None:
                value = grant.reveal_one(Answer, answer, "text_ct")
            given.append({"question": prompt, "category": answer.category, "answer": value})
        answers.append(
            {"survey": title, "submitted_at": response.submitted_at.isoformat(), "answers": given}
        )
    opted_out = ctx.session.get(OptOut, customer_id)
    return {
        "responses": answers,
        "opted_out_at": opted_out.opted_out_at.isoformat() if opted_out else None,
    }


exports.register_export("surveys", _export)
