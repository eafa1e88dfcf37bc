"""Retention of what the public site receives (P13): cookie consent records (P18),
comments and suggestions (P24), questions to the data-protection officer (P23).

Each is deleted after its period; a privacy question only once it was answered or closed
(an open one is still being worked on), and never while its sender is under a legal hold.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func

from imbplus.privacy import retention_rules
from imbplus.privacy.catalog import Category
from imbplus.site.models import ConsentRecord, Feedback, PrivacyInquiry

CONSENT_RULE = "site.consent_records"
FEEDBACK_RULE = "site.feedback"
INQUIRY_RULE = "site.privacy_inquiries"


def consent_expired(cutoff: datetime, _held: frozenset[str]) -> ColumnElement[bool]:
    return ConsentRecord.decided_at < cutoff


def feedback_expired(cutoff: datetime, _held: frozenset[str]) -> ColumnElement[bool]:
    return Feedback.received_at < cutoff


def inquiry_expired(cutoff: datetime, held: frozenset[str]) -> ColumnElement[bool]:
    old = PrivacyInquiry.status.in_(("answered", "closed")) & (
        func.coalesce(PrivacyInquiry.closed_at, PrivacyInquiry.answered_at) < cutoff
    )
    if held:
        old = old & (
            PrivacyInquiry.customer_id.is_(None) | PrivacyInquiry.customer_id.not_in(sorted(held))
        )
    return old


retention_rules.register(
    retention_rules.Rule(
        name=CONSENT_RULE,
        category=Category.CONSENT_RECORD,
        period=lambda s: timedelta(days=s.consent_record_retention_days),
        legal_basis="proof of consent (GDPR art. 7(1)) for the limitation of claims about it "
        "(Kodeks cywilny art. 118: 3 years); a visitor is simply asked again",
        description="Cookie consent decisions (masked address), "
        "consent_record_retention_days after the decision.",
        purge=retention_rules.purge_rows(
            ConsentRecord, consent_expired, Category.CONSENT_RECORD, "consent.purge"
        ),
    )
)
retention_rules.register(
    retention_rules.Rule(
        name=FEEDBACK_RULE,
        category=Category.FEEDBACK,
        period=lambda s: timedelta(days=s.feedback_retention_days),
        legal_basis="service improvement (P24, GDPR art. 6(1)(f)); no law requires keeping "
        "comments",
        description="Comments and suggestions (message, optional e-mail), "
        "feedback_retention_days after they arrived.",
        purge=retention_rules.purge_rows(
            Feedback, feedback_expired, Category.FEEDBACK, "feedback.purge"
        ),
    )
)
retention_rules.register(
    retention_rules.Rule(
        name=INQUIRY_RULE,
        category=Category.PRIVACY_INQUIRY,
        period=lambda s: timedelta(days=s.privacy_inquiry_retention_days),
        legal_basis="accountability (GDPR art. 5(2)): how a question was answered, for the "
        "limitation of claims about it (Kodeks cywilny art. 118: 3 years)",
        description="Answered or closed questions to the DPO (name, e-mail, message, "
        "answer), privacy_inquiry_retention_days after they were closed.",
        purge=retention_rules.purge_rows(
            PrivacyInquiry, inquiry_expired, Category.PRIVACY_INQUIRY, "inquiry.purge"
        ),
    )
)
