"""What GDPR art. 13 asks the privacy policy page to tell (P15, P22): the controller and its
address, the data protection officer's contact, each purpose with its legal basis, the data
it uses, who receives them and how long they are kept, and the person's rights.

Nothing here is copied by hand: the controller is the seller of the settings, the purposes
and their bases come from the catalogue, the data and the staff who use them from the
access policy file, the processors from their registry and the periods from the retention
rules. The page words each code in the reader's language (catalogue keys).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.orm import Session

from imbplus.privacy.access import Gate
from imbplus.privacy.catalog import CATEGORY_INFO, PURPOSE_LEGAL_BASIS, Category, Purpose
from imbplus.privacy.retention_rules import rules
from imbplus.processors import service as processors
from imbplus.seller import nip_label
from imbplus.settings import Settings

# purposes that hand data to public authorities when a law requires it (P07)
TO_AUTHORITIES = frozenset({Purpose.LEGAL_OBLIGATION, Purpose.REGULATORY_COMPLIANCE})


@dataclass(frozen=True)
class Controller:
    name: str
    street: str
    postal_code: str
    city: str
    nip: str
    dpo_email: str


@dataclass(frozen=True)
class PurposeNotice:
    purpose: str
    basis: str  # a LegalBasis value
    categories: list[str]
    recipients: list[str]  # text keys: role.<r>, processor.kind.<k>, recipient.authority
    kept_days: list[tuple[str, int]]  # (category, longest period in days)


def controller(settings: Settings) -> Controller:
    return Controller(
        settings.seller_name,
        settings.seller_street,
        settings.seller_postal_code,
        settings.seller_city,
        nip_label(settings.seller_nip),
        settings.dpo_email,
    )


def purposes(session: Session, gate: Gate, settings: Settings) -> list[PurposeNotice]:
    """One entry per purpose that uses personal data, in the catalogue's order."""
    used: dict[str, set[str]] = defaultdict(set)
    staff: dict[str, set[str]] = defaultdict(set)
    for role, category, purpose, _action in gate.rules():
        if not CATEGORY_INFO[Category(category)].personal:
            continue
        used[purpose].add(category)
        if not role.startswith(("system:", "customer", "processor")):
            staff[purpose].add(role)
    kinds = processors.kinds_by_purpose(session)
    longest: dict[str, int] = {}
    for rule in rules():
        days = rule.period(settings).days
        longest[rule.category.value] = max(days, longest.get(rule.category.value, 0))
    found = []
    for purpose in Purpose:
        categories = sorted(used.get(purpose.value, set()))
        if not categories:
            continue
        recipients = [f"role.{r}" for r in sorted(staff.get(purpose.value, set()))]
        recipients += [f"processor.kind.{k}" for k in sorted(kinds.get(purpose, set()))]
        if purpose in TO_AUTHORITIES:
            recipients.append("recipient.authority")
        kept = [(c, longest[c]) for c in categories if c in longest]
        basis = PURPOSE_LEGAL_BASIS[purpose].value
        found.append(PurposeNotice(purpose.value, basis, categories, recipients, kept))
    return found
