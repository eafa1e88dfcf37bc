"""Reading the audit trail (P11 for the DPO; B02 "who saw my data" for a customer)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from imbplus.clock import us_to_datetime
from imbplus.privacy import audit
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category


class TrailRecord(BaseModel):
    seq: int
    at: datetime
    actor_kind: str
    actor_id: str
    role: str
    purpose: str
    categories: list[str]
    subject_id: str | None
    action: str
    result: str
    reason: str | None
    request_id: str


def read_trail(
    ctx: Context, *, subject_id: str | None = None, limit: int = 100, before_seq: int | None = None
) -> list[TrailRecord]:
    ctx.check(Action.READ, {Category.AUDIT_RECORD}, operation="audit.read")
    rows = audit.records(ctx.session, subject_id=subject_id, limit=limit, before_seq=before_seq)
    return [
        TrailRecord(
            seq=r.seq,
            at=us_to_datetime(r.ts_us),
            actor_kind=r.actor_kind,
            actor_id=r.actor_id,
            role=r.actor_role,
            purpose=r.purpose,
            categories=[c for c in r.categories.split(",") if c],
            subject_id=r.subject_id,
            action=r.action,
            result=r.result,
            reason=r.reason,
            request_id=r.request_id,
        )
        for r in rows
    ]
