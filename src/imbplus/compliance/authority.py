"""Requests from public authorities (P07): the register, four-eyes approval, fulfilment.

A request names the authority (a recipient of kind authority, `imbplus disclosures
add-recipient`), its case reference, the legal basis (statute and article; required), the
day it arrived, its scope (which customers, which data categories, which period of time),
who entered it, and whether the customer may be told (a bar with its end date). A second
person with the DPO role, never the one who entered it, approves or refuses it with a
reason. Only an approved request is fulfilled: `authority_bundle.fulfil` reads the approved
scope through the gate (purpose `legal_obligation`), writes the bundle and records it in
the disclosure register. Every step is audited with the request's tag.

Authority requests use the `legal_request` category for the purpose `legal_obligation`;
data-subject requests use the same category for `data_subject_request` (access.csv keeps
the two apart).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from imbplus.clock import clock
from imbplus.customers import service as customers
from imbplus.errors import AccessDenied, Conflict, NotFound, ValidationFailed
from imbplus.ids import is_uuid
from imbplus.privacy import audit, releases
from imbplus.privacy.access import Context
from imbplus.privacy.authority_requests import (
    APPROVED,
    CLOSED,
    FULFILLED,
    RECEIVED,
    REFUSED,
    AuthorityRequest,
    AuthorityRequestSubject,
    tag,
)
from imbplus.privacy.catalog import Action, ActorKind, Category
from imbplus.privacy.disclosure import AUTHORITY

# What an authority may be given from us: the customer record and the boxes' data.
SCOPE_CATEGORIES = (
    Category.IDENTITY,
    Category.CONTACT,
    Category.ADDRESS,
    Category.STB_DEVICE,
    Category.STB_ACTIVITY,
)
MAX_CUSTOMERS = 100
REQUEST = {Category.LEGAL_REQUEST}


@dataclass(frozen=True)
class Draft:
    """A request as entered (text as typed: the form and the command line)."""

    authority: str
    reference: str
    legal_basis: str
    received_on: str
    customers: list[str]
    categories: list[str]
    period_from: str = ""
    period_to: str = ""
    bar_until: str = ""
    notes: str = ""


@dataclass(frozen=True)
class RequestView:
    request: AuthorityRequest
    customers: list[str]
    authority_name: str

    @property
    def categories(self) -> list[str]:
        return [c for c in self.request.categories.split(",") if c]


def _text(problems: list[dict[str, str]], field: str, value: str, limit: int, need: bool) -> str:
    value = unicodedata.normalize("NFC", value).strip()
    if need and not value:
        problems.append({"field": field, "problem": "required"})
    elif len(value) > limit:
        problems.append({"field": field, "problem": f"at most {limit} characters"})
    elif any(unicodedata.category(ch) in {"Cc", "Cs"} for ch in value if ch != "\n"):
        problems.append({"field": field, "problem": "control characters are not allowed"})
    return value


def _day(problems: list[dict[str, str]], field: str, value: str) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    try:
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC)
    except ValueError:
        problems.append({"field": field, "problem": "a date like 2026-12-01"})
        return None


def _customers(ctx: Context, problems: list[dict[str, str]], ids: list[str]) -> list[str]:
    wanted = sorted({c.strip() for c in ids if c.strip()})
    if not wanted:
        problems.append({"field": "customers", "problem": "at least one customer"})
    elif len(wanted) > MAX_CUSTOMERS:
        problems.append({"field": "customers", "problem": f"at most {MAX_CUSTOMERS}"})
    elif not all(is_uuid(c) for c in wanted):
        problems.append({"field": "customers", "problem": "customer ids (UUIDs)"})
    else:
        for cid in wanted:
            try:
                status = customers.status_of(ctx, cid)
            except NotFound:
                problems.append({"field": "customers", "problem": "an unknown customer"})
                break
            if status == "erased":
                problems.append({"field": "customers", "problem": "a customer already erased"})
                break
    return wanted


def _categories(problems: list[dict[str, str]], names: list[str]) -> list[str]:
    allowed = {c.value for c in SCOPE_CATEGORIES}
    wanted = sorted({n.strip() for n in names if n.strip()})
    if not wanted:
        problems.append({"field": "categories", "problem": "at least one data category"})
    elif not set(wanted) <= allowed:
        problems.append({"field": "categories", "problem": f"of {', '.join(sorted(allowed))}"})
    return wanted


def _a_person(ctx: Context) -> None:
    if ctx.actor.kind is not ActorKind.STAFF:
        raise AccessDenied("an authority request is entered and decided by a named employee")


def add(ctx: Context, draft: Draft) -> AuthorityRequest:
    """Enter a request (status received); nothing is stored when any field is wrong."""
    ctx.check(Action.WRITE, REQUEST, operation="authority.enter")
    _a_person(ctx)
    problems: list[dict[str, str]] = []
    reference = _text(problems, "reference", draft.reference, 100, True)
    basis = _text(problems, "legal_basis", draft.legal_basis, 200, True)
    notes = _text(problems, "notes", draft.notes, 2000, False)
    received = _day(problems, "received_on", draft.received_on)
    if received is None and not any(p["field"] == "received_on" for p in problems):
        problems.append({"field": "received_on", "problem": "required"})
    today = datetime.combine(clock.now().date(), datetime.min.time(), UTC)
    if received is not None and received > today:
        problems.append({"field": "received_on", "problem": "not in the future"})
    start, end = (
        _day(problems, "period_from", draft.period_from),
        _day(problems, "period_to", draft.period_to),
    )
    if start and end and start > end:
        problems.append({"field": "period_to", "problem": "not before period_from"})
    bar = _day(problems, "bar_until", draft.bar_until)
    if bar is not None and bar <= today:
        problems.append({"field": "bar_until", "problem": "a day after today"})
    categories = _categories(problems, draft.categories)
    subjects = _customers(ctx, problems, draft.customers)
    authority = ctx.session.get(releases.Recipient, draft.authority.strip()[:64])
    if authority is None or authority.kind != AUTHORITY:
        problems.append({"field": "authority", "problem": "a registered authority"})
    if problems:
        raise ValidationFailed(problems)
    assert authority is not None and received is not None  # checked above
    row = AuthorityRequest(
        authority_id=authority.id,
        reference=reference,
        legal_basis=basis,
        received_at=received,
        categories=",".join(categories),
        period_from=start,
        period_to=end,
        bar_until=bar,
        notes=notes,
        status=RECEIVED,
        entered_by=ctx.actor.label,
        entered_at=clock.now(),
        decision_reason="",
    )
    ctx.session.add(row)
    ctx.session.flush()
    ctx.session.add_all(AuthorityRequestSubject(request_id=row.id, customer_id=c) for c in subjects)
    ctx.session.flush()
    ctx.note("authority.entered", reason=f"{tag(row.id)} subjects={len(subjects)}")
    return row


def _load(ctx: Context, request_id: int) -> AuthorityRequest:
    row = ctx.session.get(AuthorityRequest, request_id)
    if row is None:
        raise NotFound("no authority request with this id", request=request_id)
    return row


def _refuse(ctx: Context, row: AuthorityRequest, operation: str, why: str) -> AccessDenied:
    roles = ",".join(ctx.actor.roles)
    reason = f"{tag(row.id)}: {why}"
    audit.queue(
        ctx.session,
        [ctx._entry(operation, "legal_request", None, "denied", reason, roles, keep=True)],
    )
    return AccessDenied(why, request=row.id)


def decide(ctx: Context, request_id: int, *, approve: bool, reason: str) -> AuthorityRequest:
    """Approve or refuse, with a reason, as a second person (four-eyes)."""
    operation = "authority.approve" if approve else "authority.refuse"
    ctx.check(Action.WRITE, REQUEST, operation=operation, reason=tag(request_id))
    _a_person(ctx)
    row = _load(ctx, request_id)
    problems: list[dict[str, str]] = []
    text = _text(problems, "reason", reason, 500, True)
    if problems:
        raise ValidationFailed(problems)
    if row.status != RECEIVED:
        raise Conflict(f"this request is {row.status} already", request=row.id)
    if row.entered_by == ctx.actor.label:
        raise _refuse(ctx, row, operation, "four eyes: the one who entered it may not decide it")
    row.status = APPROVED if approve else REFUSED
    row.decided_by = ctx.actor.label
    row.decided_at = clock.now()
    row.decision_reason = text
    ctx.session.flush()
    ctx.note(f"authority.request_{row.status}", reason=tag(row.id))
    return row


def close(ctx: Context, request_id: int, *, reason: str) -> AuthorityRequest:
    """Close a request that was fulfilled, refused or will not be fulfilled."""
    ctx.check(Action.WRITE, REQUEST, operation="authority.close", reason=tag(request_id))
    _a_person(ctx)
    row = _load(ctx, request_id)
    problems: list[dict[str, str]] = []
    text = _text(problems, "reason", reason, 500, False)
    if problems:
        raise ValidationFailed(problems)
    if row.status not in (APPROVED, REFUSED, FULFILLED):
        raise Conflict(f"a {row.status} request is not closed", request=row.id)
    row.status = CLOSED
    if text:
        row.notes = f"{row.notes}\n[{clock.now():%Y-%m-%d}] {text}".strip()[:2000]
    ctx.session.flush()
    ctx.note("authority.request_closed", reason=tag(row.id))
    return row


def view(ctx: Context, request_id: int) -> RequestView:
    ctx.check(Action.READ, REQUEST, operation="authority.read", reason=tag(request_id))
    return _view(ctx, _load(ctx, request_id))


def _view(ctx: Context, row: AuthorityRequest) -> RequestView:
    subjects = ctx.session.execute(
        select(AuthorityRequestSubject.customer_id)
        .where(AuthorityRequestSubject.request_id == row.id)
        .order_by(AuthorityRequestSubject.customer_id)
    ).scalars()
    authority = ctx.session.get(releases.Recipient, row.authority_id)
    return RequestView(row, list(subjects), authority.name if authority else row.authority_id)


def listing(ctx: Context, *, status: str | None = None, limit: int = 100) -> list[RequestView]:
    """The register, newest first."""
    ctx.check(Action.READ, REQUEST, operation="authority.list")
    stmt = select(AuthorityRequest).order_by(AuthorityRequest.id.desc()).limit(limit)
    if status:
        stmt = stmt.where(AuthorityRequest.status == status)
    return [_view(ctx, r) for r in ctx.session.execute(stmt).scalars()]


def period_end(row: AuthorityRequest) -> datetime | None:
    """The scope's time range ends at the end of its last day."""
    return row.period_to + timedelta(days=1) if row.period_to else None
