"""Retention of survey responses (P13, P19): deleted with their answers after a period.

Answers are encrypted under the respondent's key (a customer's) or the system key
(visitors), shared with other data, so they are deleted row by row rather than shredded.
Results already exported were anonymized (P06) and are not personal data.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, select

from imbplus.privacy import retention_rules
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category
from imbplus.surveys.models import Answer, Response

RULE = "surveys.responses"


def expired(cutoff: datetime, held: frozenset[str]) -> ColumnElement[bool]:
    old = Response.submitted_at < cutoff
    if held:
        old = old & (Response.customer_id.is_(None) | Response.customer_id.not_in(sorted(held)))
    return old


def _purge(ctx: Context, cutoff: datetime, held: frozenset[str], dry_run: bool) -> int:
    ids = list(ctx.session.execute(select(Response.id).where(expired(cutoff, held))).scalars())
    if dry_run or not ids:
        return len(ids)
    ctx.check(Action.DELETE, {Category.SURVEY_RESPONSE}, operation="survey.purge")
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        ctx.session.execute(delete(Answer).where(Answer.response_id.in_(chunk)))
        ctx.session.execute(delete(Response).where(Response.id.in_(chunk)))
    return len(ids)


retention_rules.register(
    retention_rules.Rule(
        name=RULE,
        category=Category.SURVEY_RESPONSE,
        period=lambda s: timedelta(days=s.survey_response_retention_days),
        legal_basis="market research (P19, GDPR art. 6(1)(a)/(f)): trends need two years "
        "of answers; no law requires keeping them",
        description="Survey responses and their answers, survey_response_retention_days "
        "after they were submitted.",
        purge=_purge,
    )
)
