"""Console page for the DPO (P04): the processors with their contracts and what each may
receive, how often each received what, and the newest entries of the disclosure register.
Read for security oversight, like the audit trail; the register holds no personal values."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from imbplus.clock import clock
from imbplus.errors import ValidationFailed
from imbplus.ids import is_uuid
from imbplus.privacy import disclosure
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Category
from imbplus.processors import credentials, service
from imbplus.web import menu
from imbplus.web.deps import Db
from imbplus.web.guards import STAFF_PAGES
from imbplus.web.pages import User, console_context, page_guard, render

router = APIRouter(prefix="/console/processors", include_in_schema=False, dependencies=STAFF_PAGES)
# the register (audit records) and the processors' feed credentials (reference data)
PAGE = menu.page(
    "processors", "/console/processors", {Category.AUDIT_RECORD, Category.REFERENCE}, order=120
)


Short = Annotated[str, Form(max_length=200)]


def _ctx(request: Request, session: Db, user: User) -> Context:
    # the purpose the member of staff chose is the one every read here records
    return console_context(request, session, user)


@router.get("", dependencies=[page_guard(PAGE)])
def processors(
    request: Request,
    session: Db,
    user: User,
    recipient: Annotated[str, Query(max_length=64)] = "",
    subject: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    return _page(request, _ctx(request, session, user), user, recipient, subject)


def _page(
    request: Request,
    ctx: Context,
    user: User,
    recipient: str = "",
    subject: str = "",
    status: int = 200,
    problems: list[dict[str, str]] | None = None,
    form: dict[str, str] | None = None,
    issued: credentials.Issued | None = None,
) -> Response:
    registry = service.list_for_oversight(ctx)
    recipient = recipient if service.PROCESSOR_ID.match(recipient) else ""
    subject = subject if is_uuid(subject) else ""
    return render(
        request,
        "console/processors.html",
        status,
        problems=problems or [],
        form=form or {},
        kinds=service.KINDS,
        user=user,
        now=clock.now(),
        processors=registry,
        totals=disclosure.totals(ctx),
        entries=disclosure.register_rows(
            ctx, subject_id=subject or None, recipient_id=recipient or None, limit=200
        ),
        recipient=recipient,
        subject=subject,
        credentials=credentials.list_for(ctx),
        issued=issued,
    )


def _day(value: str, field: str) -> datetime:
    try:
        return datetime.combine(date.fromisoformat(value), time(), tzinfo=UTC)
    except ValueError:
        raise ValidationFailed([{"field": field, "problem": "a date, YYYY-MM-DD"}]) from None


@router.post("")
def register(
    request: Request,
    session: Db,
    user: User,
    processor_id: Annotated[str, Form(max_length=64)],
    name: Short,
    kind: Annotated[str, Form(max_length=16)],
    contract_ref: Short,
    scope: Annotated[str, Form(max_length=2000)],
    valid_from: Annotated[str, Form(max_length=10)],
    valid_until: Annotated[str, Form(max_length=10)],
) -> Response:
    """Register a processor's contract or replace its terms (one category:purpose a line)."""
    ctx = _ctx(request, session, user)
    form = {
        "processor_id": processor_id,
        "name": name,
        "kind": kind,
        "contract_ref": contract_ref,
        "scope": scope,
        "valid_from": valid_from,
        "valid_until": valid_until,
    }
    try:
        service.register_by_staff(
            ctx,
            processor_id=processor_id.strip(),
            name=name,
            kind=kind,
            contract_ref=contract_ref,
            scope=[line for line in scope.splitlines() if line.strip()],
            valid_from=_day(valid_from, "valid_from"),
            valid_until=_day(valid_until, "valid_until"),
        )
    except ValidationFailed as exc:
        return _page(request, ctx, user, status=422, problems=exc.details["fields"], form=form)
    return RedirectResponse("/console/processors", status_code=303)


@router.post("/{processor_id}/end")
def end(
    request: Request,
    session: Db,
    user: User,
    processor_id: str,
) -> Response:
    """End a contract now: the processor receives nothing from this moment."""
    service.end_contract(_ctx(request, session, user), processor_id)
    return RedirectResponse("/console/processors", status_code=303)


@router.post("/{processor_id}/credentials")
def issue_credential(
    request: Request,
    session: Db,
    user: User,
    processor_id: str,
    scope: Annotated[str, Form(max_length=2000)] = "",
    expires: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Issue an API credential to a processor: the token is shown on this page once."""
    ctx = _ctx(request, session, user)
    try:
        issued = credentials.issue(
            ctx,
            processor_id,
            scope=[line for line in scope.splitlines() if line.strip()] or None,
            expires_at=_day(expires, "expires") + timedelta(days=1) if expires else None,
        )
    except ValidationFailed as exc:
        return _page(request, ctx, user, status=422, problems=exc.details["fields"])
    return _page(request, ctx, user, status=201, issued=issued)


@router.post("/credentials/{credential_id}/revoke")
def revoke_credential(
    request: Request,
    session: Db,
    user: User,
    credential_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
) -> Response:
    """Revoke a credential: every worker answers 401 within a second."""
    credentials.revoke(_ctx(request, session, user), credential_id)
    return RedirectResponse("/console/processors", status_code=303)
