"""B02 "who saw my data": every access to a customer's data, from the audit log.

The customer sees when, which role or kind of process, for which purpose, which data
categories and what was done; never a staff name or id, nor a request id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from imbplus.clock import us_to_datetime
from imbplus.errors import AccessDenied
from imbplus.privacy import audit
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, ActorKind, Category

PAGE = 50


@dataclass(frozen=True)
class AccessEntry:
    seq: int
    at: datetime
    who: str  # you | staff | system | processor
    role: str  # staff role(s), or the system job's name; "" for you and processors
    purpose: str
    categories: list[str]
    operation: str
    result: str  # allowed | denied | done


def own_trail(ctx: Context, *, before_seq: int | None = None) -> list[AccessEntry]:
    """The newest PAGE records about the calling customer (before `before_seq`)."""
    if ctx.actor.kind != ActorKind.CUSTOMER:
        raise AccessDenied("only a customer reads their own access history")
    return trail_of(ctx, ctx.actor.id, limit=PAGE, before_seq=before_seq)


def trail_of(
    ctx: Context, customer_id: str, *, limit: int, before_seq: int | None = None
) -> list[AccessEntry]:
    """The newest `limit` records about one customer, as the customer sees them (their own
    page, or their copy of everything held, B01); the gate decides who may ask."""
    ctx.check(
        Action.READ, {Category.AUDIT_RECORD}, operation="audit.own_trail", subjects=[customer_id]
    )
    rows = audit.records(ctx.session, subject_id=customer_id, limit=limit, before_seq=before_seq)
    me = customer_id
    return [
        AccessEntry(
            seq=r.seq,
            at=us_to_datetime(r.ts_us),
            who=_who(r.actor_kind, r.actor_id, me),
            role=_role(r.actor_kind, r.actor_role),
            purpose=r.purpose,
            categories=[c for c in r.categories.split(",") if c],
            operation=r.action,
            result=r.result,
        )
        for r in rows
    ]


def _who(kind: str, actor_id: str, me: str) -> str:
    if kind == ActorKind.CUSTOMER:
        return "you" if actor_id == me else "customer"
    return kind if kind in {k.value for k in ActorKind} else "system"


def _role(kind: str, role: str) -> str:
    if kind == ActorKind.STAFF:
        return role
    if kind == ActorKind.SYSTEM:
        return role.removeprefix("system:")
    return ""
