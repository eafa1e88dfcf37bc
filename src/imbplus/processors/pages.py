"""Console page for the DPO (P04): the processors with their contracts and what each may
receive, how often each received what, and the newest entries of the disclosure register.
Read for security oversight, like the audit trail; the register holds no personal values."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from imbplus.clock import clock
from imbplus.privacy import disclosure
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Purpose
from imbplus.processors import service
from imbplus.web.deps import Db, get_runtime
from imbplus.web.pages import User, render

router = APIRouter(prefix="/console/processors", include_in_schema=False)
_RECIPIENT = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
_SUBJECT = re.compile(r"^[0-9a-f-]{36}$")


@router.get("")
def processors(
    request: Request,
    session: Db,
    user: User,
    recipient: Annotated[str, Query(max_length=64)] = "",
    subject: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    ctx = Context(
        session, get_runtime(request), user.actor, Purpose.SECURITY, request.state.request_id
    )
    registry = service.list_for_oversight(ctx)
    recipient = recipient if _RECIPIENT.match(recipient) else ""
    subject = subject if _SUBJECT.match(subject) else ""
    return render(
        request,
        "console/processors.html",
        user=user,
        now=clock.now(),
        processors=registry,
        totals=disclosure.totals(ctx),
        entries=disclosure.register_rows(
            ctx, subject_id=subject or None, recipient_id=recipient or None, limit=200
        ),
        recipient=recipient,
        subject=subject,
    )
