"""Retention of the data-subject request register (P13, B01): completed requests go after
a period; a request still open stays, and so does any request of a subject under a hold."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement

from imbplus.compliance import retention
from imbplus.compliance.rights_models import SubjectRequest
from imbplus.privacy.catalog import Category

RULE = "privacy.subject_requests"


def expired(cutoff: datetime, held: frozenset[str]) -> ColumnElement[bool]:
    old = (SubjectRequest.status != "received") & (SubjectRequest.completed_at < cutoff)
    if held:
        old = old & SubjectRequest.customer_id.not_in(sorted(held))
    return old


retention.register(
    retention.Rule(
        name=RULE,
        category=Category.LEGAL_REQUEST,
        period=lambda s: timedelta(days=s.subject_request_retention_days),
        legal_basis="accountability (GDPR art. 5(2), art. 12): proof that a request was "
        "answered, for the limitation of claims (Kodeks cywilny art. 118: 3 years)",
        description="Completed or refused data-subject requests, "
        "subject_request_retention_days after completion.",
        purge=retention.purge_rows(SubjectRequest, expired, Category.LEGAL_REQUEST, "rights.purge"),
    )
)
