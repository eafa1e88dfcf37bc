"""Record of processing activities (B03, GDPR art. 30), generated from the live catalogue,
the access policy and the retention schedule, so it cannot drift from what the code does."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from imbplus.compliance import retention
from imbplus.privacy.access import Gate
from imbplus.privacy.catalog import CATEGORY_INFO, PURPOSE_DESCRIPTIONS, Category, Purpose
from imbplus.settings import Settings

CONTROLLER = "IMB+ (the operator), contact: the data-protection officer via the privacy form"
MEASURES = (
    "AES-256-GCM encryption at rest under per-customer keys with rotation; keyed blind "
    "indexes; role x purpose x category access control; tamper-evident audit log of every "
    "access; TLS, security headers, CSRF protection, rate limits, 2FA for staff"
)
SUBJECTS: dict[Category, tuple[str, ...]] = {
    Category.STAFF_ACCOUNT: ("employees",),
    Category.WEB_REQUEST_LOG: ("visitors", "subscribers"),
    Category.CONSENT_RECORD: ("visitors", "subscribers"),
    Category.FEEDBACK: ("visitors", "subscribers"),
    Category.SURVEY_RESPONSE: ("visitors", "subscribers"),
}


@dataclass
class Activity:
    purpose: Purpose
    description: str
    categories: list[str]
    data_subjects: list[str]
    recipients: list[str]
    retention: list[str] = field(default_factory=list)
    measures: str = MEASURES


def build(gate: Gate, settings: Settings) -> list[Activity]:
    by_purpose: dict[str, set[str]] = defaultdict(set)
    roles: dict[str, set[str]] = defaultdict(set)
    for role, category, purpose, _action in gate.rules():
        if CATEGORY_INFO[Category(category)].personal:
            by_purpose[purpose].add(category)
            roles[purpose].add(role)
    periods: dict[str, list[str]] = defaultdict(list)
    for rule in retention.schedule():
        periods[rule.category.value].append(
            f"{rule.description} ({rule.period(settings).days} days; {rule.legal_basis})"
        )
    activities = []
    for purpose in Purpose:
        cats = sorted(by_purpose.get(purpose.value, set()))
        subjects = sorted({s for c in cats for s in SUBJECTS.get(Category(c), ("subscribers",))})
        recipients = sorted(
            f"staff role {r}"
            if not r.startswith(("system:", "customer"))
            else ("the subscriber" if r == "customer" else f"automated job {r[7:]}")
            for r in roles.get(purpose.value, set())
        )
        activities.append(
            Activity(
                purpose,
                PURPOSE_DESCRIPTIONS.get(purpose, ""),
                cats,
                subjects,
                recipients,
                [p for c in cats for p in periods.get(c, [])],
            )
        )
    return activities
