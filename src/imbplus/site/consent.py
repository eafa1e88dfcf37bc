"""Cookie consent (P18): decisions kept as proof, and what each browser has agreed to.

A decision is stored as an append-only record (consent id, categories, the policy version in
force, time, masked address under a system key); the browser keeps only the consent id in
the necessary `imb_consent` cookie. A consent counts while the policy version it names is
still the one in force for its language: publishing a new version asks again (P22).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from imbplus.clock import clock
from imbplus.errors import ValidationFailed
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category
from imbplus.privacy.crypto import SCOPE_SYSTEM
from imbplus.site import policy
from imbplus.site.models import ConsentRecord, PolicyVersion
from imbplus.web import clientip

TABLE = "consent_records"
_ID = re.compile(r"^[0-9a-f]{32}$")


class ConsentAction(StrEnum):
    ACCEPT_ALL = "accept_all"
    REJECT_ALL = "reject_all"
    CHOOSE = "choose"


@dataclass(frozen=True)
class ConsentState:
    """What the browser agreed to, as far as this request is concerned."""

    consent_id: str | None = None
    decided: bool = False  # a decision under the policy version in force
    stale: bool = False  # a decision exists, under an older policy version
    preferences: bool = False
    statistics: bool = False
    decided_at: datetime | None = None
    version_number: int | None = None
    action: str | None = None

    def allows(self, category: str) -> bool:
        if category == "necessary":
            return True
        if not self.decided:
            return False
        return {"preferences": self.preferences, "statistics": self.statistics}.get(category, False)


NO_DECISION = ConsentState()


def valid_id(value: str | None) -> bool:
    return bool(value) and _ID.fullmatch(value or "") is not None


def state_for(session: Session, site: str, consent_id: str | None) -> ConsentState:
    """The consent named by a cookie value; no decision for an unknown or malformed one."""
    if not valid_id(consent_id):
        return NO_DECISION
    record = session.get(ConsentRecord, consent_id)
    if record is None or record.site != site:
        return NO_DECISION
    current = policy.current(session, site, record.lang)
    in_force = current.id if current is not None else None
    version = None
    if record.policy_version_id is not None:
        version = session.get(PolicyVersion, record.policy_version_id)
    number = version.number if version is not None else None
    if record.policy_version_id != in_force:
        return ConsentState(
            consent_id=record.id, stale=True, decided_at=record.decided_at, version_number=number
        )
    return ConsentState(
        consent_id=record.id,
        decided=True,
        preferences=record.preferences,
        statistics=record.statistics,
        decided_at=record.decided_at,
        version_number=number,
        action=record.action,
    )


def decide(
    ctx: Context,
    *,
    site: str,
    lang: str,
    action: str,
    preferences: bool,
    statistics: bool,
    address: str,
    replaces: str | None,
) -> ConsentRecord:
    """Store one decision as proof and return it (its id goes into the consent cookie)."""
    try:
        chosen = ConsentAction(action)
    except ValueError:
        raise ValidationFailed(
            [{"field": "choice", "problem": "accept_all, reject_all or choose"}]
        ) from None
    if chosen == ConsentAction.ACCEPT_ALL:
        preferences = statistics = True
    elif chosen == ConsentAction.REJECT_ALL:
        preferences = statistics = False
    consent_id = secrets.token_hex(16)
    ctx.check(Action.WRITE, {Category.CONSENT_RECORD}, operation="consent.record")
    current = policy.current(ctx.session, site, lang)
    key_id = ctx.keyring.system_key(ctx.session, SCOPE_SYSTEM)
    record = ConsentRecord(
        id=consent_id,
        replaces=replaces if valid_id(replaces) else None,
        site=site,
        lang=lang,
        policy_version_id=current.id if current is not None else None,
        action=chosen.value,
        preferences=preferences,
        statistics=statistics,
        decided_at=clock.now(),
        ip_masked_ct=ctx.keyring.seal(
            ctx.session, key_id, TABLE, "ip_masked_ct", consent_id, clientip.mask(address)
        ),
    )
    ctx.session.add(record)
    ctx.session.flush()
    return record


class ConsentProof(BaseModel):
    consent_id: str
    replaces: str | None
    site: str
    lang: str
    policy_version: int | None
    action: str
    preferences: bool
    statistics: bool
    decided_at: datetime
    ip_masked: str


def proofs(ctx: Context, *, limit: int = 50, consent_id: str | None = None) -> list[ConsentProof]:
    """Recent decisions with their masked addresses, for the DPO (through the gate)."""
    stmt = (
        select(ConsentRecord, PolicyVersion.number)
        .outerjoin(PolicyVersion, PolicyVersion.id == ConsentRecord.policy_version_id)
        .order_by(ConsentRecord.decided_at.desc(), ConsentRecord.id)
        .limit(limit)
    )
    if consent_id is not None:
        stmt = stmt.where(ConsentRecord.id == consent_id)
    found = ctx.session.execute(stmt).all()
    opened = ctx.reveal_rows(
        ConsentRecord,
        [record for record, _ in found],
        ("ip_masked_ct",),
        operation="consent.read",
        subjects=[None],
    )
    return [
        ConsentProof(
            consent_id=record.id,
            replaces=record.replaces,
            site=record.site,
            lang=record.lang,
            policy_version=number,
            action=record.action,
            preferences=record.preferences,
            statistics=record.statistics,
            decided_at=record.decided_at,
            ip_masked=ip_masked,
        )
        for (record, number), (ip_masked,) in zip(found, opened, strict=True)
    ]


@dataclass(frozen=True)
class ConsentTally:
    lang: str
    policy_version: int | None
    action: str
    preferences: int
    statistics: int
    decisions: int


def tally(session: Session, site: str) -> list[ConsentTally]:
    """Decisions per language, policy version and action (counts only, nothing personal)."""
    rows = session.execute(
        select(
            ConsentRecord.lang,
            PolicyVersion.number,
            ConsentRecord.action,
            func.sum(case((ConsentRecord.preferences, 1), else_=0)),
            func.sum(case((ConsentRecord.statistics, 1), else_=0)),
            func.count(),
        )
        .outerjoin(PolicyVersion, PolicyVersion.id == ConsentRecord.policy_version_id)
        .where(ConsentRecord.site == site)
        .group_by(ConsentRecord.lang, PolicyVersion.number, ConsentRecord.action)
        .order_by(ConsentRecord.lang, PolicyVersion.number.desc(), ConsentRecord.action)
    ).all()
    return [
        ConsentTally(lang, number, action, int(pref or 0), int(stats or 0), int(n))
        for lang, number, action, pref, stats, n in rows
    ]
