"""Data-subject rights (B01): access and portability (a machine-readable export of everything
held about a person), erasure, objection, rectification, each request tracked against its
one-month deadline.

Domains contribute to the export through `imbplus.privacy.exports`, each with a hook that
reads through the gate with the caller's context (purpose `data_subject_request`).
"""

from __future__ import annotations

import calendar
from datetime import datetime
from typing import Any

from sqlalchemy import select

from imbplus.clock import clock
from imbplus.compliance.rights_models import SubjectRequest
from imbplus.errors import NotFound, ValidationFailed
from imbplus.marketing import objections
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category, Purpose
from imbplus.privacy.exports import export_hooks

KINDS = ("access", "portability", "rectification", "erasure", "objection")
CHANNELS = ("portal", "email", "post", "phone")


def one_month_after(moment: datetime) -> datetime:
    """GDPR art. 12(3): one month (same day next month, or its last day)."""
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def export(ctx: Context, customer_id: str) -> dict[str, Any]:
    """Everything held about the person, by domain, as JSON-ready data."""
    if ctx.purpose != Purpose.DATA_SUBJECT_REQUEST:
        raise ValidationFailed([{"field": "purpose", "problem": "must be data_subject_request"}])
    data: dict[str, Any] = {
        "subject": customer_id,
        "generated_at": clock.now().isoformat(),
        "format": "imbplus-subject-export/1",
    }
    for name, hook in export_hooks().items():
        data[name] = hook(ctx, customer_id)
    ctx.note("rights.exported", subject=customer_id, reason=f"domains={len(data) - 3}")
    return data


def open_request(ctx: Context, customer_id: str, kind: str, channel: str) -> SubjectRequest:
    ctx.check(
        Action.WRITE, {Category.LEGAL_REQUEST}, operation="rights.open", subjects=[customer_id]
    )
    problems = []
    if kind not in KINDS:
        problems.append({"field": "kind", "problem": f"one of {', '.join(KINDS)}"})
    if channel not in CHANNELS:
        problems.append({"field": "channel", "problem": f"one of {', '.join(CHANNELS)}"})
    if problems:
        raise ValidationFailed(problems)
    from imbplus.customers import service as customers

    customers.status_of(ctx, customer_id)  # 404 for an unknown person
    now = clock.now()
    request = SubjectRequest(
        customer_id=customer_id,
        kind=kind,
        channel=channel,
        status="received",
        received_at=now,
        due_at=one_month_after(now),
        outcome="",
    )
    ctx.session.add(request)
    ctx.session.flush()
    ctx.note("rights.request_opened", subject=customer_id, reason=f"request:{request.id} {kind}")
    if kind == "objection":  # to direct marketing: absolute, in force from this moment
        objections.object_to_marketing(ctx, customer_id, f"request:{channel}")
    return request


def answered_at_once(
    ctx: Context, customer_id: str, kind: str, channel: str, outcome: str
) -> SubjectRequest:
    """A request the person made and got answered in the same step (their copy downloaded
    in the portal): kept in the register as received and done at once."""
    ctx.check(
        Action.WRITE, {Category.LEGAL_REQUEST}, operation="rights.answered", subjects=[customer_id]
    )
    now = clock.now()
    request = SubjectRequest(
        customer_id=customer_id,
        kind=kind,
        channel=channel,
        status="done",
        received_at=now,
        due_at=one_month_after(now),
        completed_at=now,
        outcome=outcome[:500],
    )
    ctx.session.add(request)
    ctx.session.flush()
    ctx.note("rights.request_answered", subject=customer_id, reason=f"request:{request.id} {kind}")
    return request


def close_request(ctx: Context, request_id: int, *, status: str, outcome: str) -> SubjectRequest:
    ctx.check(Action.WRITE, {Category.LEGAL_REQUEST}, operation="rights.close")
    if status not in ("done", "refused"):
        raise ValidationFailed([{"field": "status", "problem": "done or refused"}])
    request = ctx.session.get(SubjectRequest, request_id)
    if request is None or request.status != "received":
        raise NotFound("no open request with this id", request=request_id)
    request.status = status
    request.completed_at = clock.now()
    request.outcome = outcome[:500]
    ctx.session.flush()
    ctx.note(
        "rights.request_closed",
        subject=request.customer_id,
        reason=f"request:{request.id} {status}",
    )
    return request


def open_requests(ctx: Context) -> list[SubjectRequest]:
    ctx.check(Action.READ, {Category.LEGAL_REQUEST}, operation="rights.list")
    return list(
        ctx.session.execute(
            select(SubjectRequest)
            .where(SubjectRequest.status == "received")
            .order_by(SubjectRequest.due_at)
        ).scalars()
    )


def overdue(request: SubjectRequest) -> bool:
    return request.status == "received" and clock.now() > request.due_at
