"""B02 "who saw my data": every access to a customer's data, from the audit log.

The portal's page groups the records by day, who, role, purpose, data, operation and
result (counted), pages through the groups by their key (keyset), and leaves out the
customer's own actions unless asked. The customer sees when, which role or kind of
process, for which purpose, which data categories and what was done; never a staff name
or id, nor a request id.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, not_, select, tuple_

from imbplus.clock import clock, us_to_datetime
from imbplus.errors import AccessDenied, ValidationFailed
from imbplus.privacy import audit, authority_requests
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, ActorKind, Category, Purpose
from imbplus.privacy.models import AuditRecord


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


def trail_of(
    ctx: Context, customer_id: str, *, limit: int, before_seq: int | None = None
) -> list[AccessEntry]:
    """The newest `limit` records about one customer, as the customer sees them (their own
    page, or their copy of everything held, B01); the gate decides who may ask."""
    ctx.check(
        Action.READ, {Category.AUDIT_RECORD}, operation="audit.own_trail", subjects=[customer_id]
    )
    # what fulfilled an authority's request that bars telling the customer stays out until
    # the bar ends (P07)
    hidden = authority_requests.hidden_request_ids(ctx.session, customer_id, clock.now())
    rows = audit.records(
        ctx.session,
        subject_id=customer_id,
        limit=limit,
        before_seq=before_seq,
        hide_requests=hidden,
    )
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


# -- the portal's page: grouped, others first, keyset-paged ---------------------------------
GROUPS_PER_PAGE = 25
DAY_US = 86_400_000_000
_CURSOR_PROBLEM = "not a cursor from a previous page"


@dataclass(frozen=True)
class AccessGroup:
    """Records of one day with the same who, role, purpose, data, operation and result."""

    day: date
    who: str  # staff | processor | authority | system | you | customer
    role: str
    purpose: str
    categories: list[str]
    operation: str
    result: str
    count: int
    first: datetime
    last: datetime


@dataclass(frozen=True)
class AccessPage:
    groups: list[AccessGroup]
    next_cursor: str | None
    more_groups: int  # groups after this page
    more_records: int  # records in them


def grouped_trail(
    ctx: Context, *, include_mine: bool = False, cursor: str | None = None
) -> AccessPage:
    """The calling customer's history (B02), newest day first; within a day, staff,
    processors, authorities and system jobs before the customer's own actions (which are
    left out unless `include_mine`)."""
    if ctx.actor.kind != ActorKind.CUSTOMER:
        raise AccessDenied("only a customer reads their own access history")
    me = ctx.actor.id
    ctx.check(Action.READ, {Category.AUDIT_RECORD}, operation="audit.own_trail", subjects=[me])
    mine = and_(AuditRecord.actor_kind == ActorKind.CUSTOMER.value, AuditRecord.actor_id == me)
    key = (
        -(AuditRecord.ts_us // DAY_US),
        case((mine, 1), else_=0),
        AuditRecord.actor_kind,
        AuditRecord.actor_role,
        AuditRecord.purpose,
        AuditRecord.categories,
        AuditRecord.action,
        AuditRecord.result,
    )
    conditions = [AuditRecord.subject_id == me]
    # what fulfilled an authority's request that bars telling the customer stays out (P07)
    if hidden := authority_requests.hidden_request_ids(ctx.session, me, clock.now()):
        conditions.append(AuditRecord.request_id.not_in(hidden))
    if not include_mine:
        conditions.append(not_(mine))
    if cursor is not None:
        conditions.append(tuple_(*key) > tuple_(*decode_group_cursor(cursor)))
    counted = (
        select(
            *key,
            func.count().label("n"),
            func.min(AuditRecord.ts_us).label("first"),
            func.max(AuditRecord.ts_us).label("last"),
        )
        .where(*conditions)
        .group_by(*key)
    )
    rows = ctx.session.execute(counted.order_by(*key).limit(GROUPS_PER_PAGE + 1)).all()
    page, rest = rows[:GROUPS_PER_PAGE], rows[GROUPS_PER_PAGE:]
    if not rest:
        return AccessPage([_group(r) for r in page], None, 0, 0)
    last_key = list(page[-1])[:8]
    after = counted.where(tuple_(*key) > tuple_(*last_key)).subquery()
    more = ctx.session.execute(select(func.count(), func.sum(after.c.n))).one()
    return AccessPage(
        [_group(r) for r in page], encode_group_cursor(last_key), more[0], int(more[1] or 0)
    )


def _group(row: Any) -> AccessGroup:
    neg_day, rank, kind, role, purpose, categories, action, result, n, first, last = row
    return AccessGroup(
        day=us_to_datetime(-neg_day * DAY_US).date(),
        who="you" if rank else _who_else(kind, purpose),
        role=_role(kind, role),
        purpose=purpose,
        categories=[c for c in categories.split(",") if c],
        operation=action,
        result=result,
        count=n,
        first=us_to_datetime(first),
        last=us_to_datetime(last),
    )


def _who_else(kind: str, purpose: str) -> str:
    # staff answering an authority's request on a recorded legal basis (P07)
    if kind == ActorKind.STAFF and purpose == Purpose.LEGAL_OBLIGATION:
        return "authority"
    return _who(kind, "", "-")


def encode_group_cursor(key: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


def decode_group_cursor(cursor: str) -> list[Any]:
    """The key of the last group shown; anything else is refused (422), never queried."""
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()).decode())
    except (ValueError, UnicodeDecodeError):
        key = None
    shape = isinstance(key, list) and len(key) == 8
    if not shape or not _fits(key):
        raise ValidationFailed([{"field": "after", "problem": _CURSOR_PROBLEM}])
    return list(key)


def _fits(key: list[Any]) -> bool:
    day, rank, *texts = key
    numbers = all(type(v) is int for v in (day, rank))
    return (
        numbers
        and -1_000_000 <= day <= 0
        and rank in (0, 1)
        and all(isinstance(t, str) and len(t) <= 255 and t.isprintable() for t in texts)
    )
