"""Console page of the audit trail (DPO)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from imbplus.bounds import SeqNo
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Purpose
from imbplus.privacy.trail import read_trail
from imbplus.web.deps import Db, get_runtime
from imbplus.web.guards import STAFF_PAGES
from imbplus.web.pages import User, render

router = APIRouter(prefix="/console/audit", include_in_schema=False, dependencies=STAFF_PAGES)


@router.get("")
def trail(
    request: Request,
    session: Db,
    user: User,
    subject: Annotated[str | None, Query(max_length=64)] = None,
    before: Annotated[SeqNo | None, Query()] = None,
) -> Response:
    # The trail is read for security oversight whatever purpose the console is set to.
    ctx = Context(
        session, get_runtime(request), user.actor, Purpose.SECURITY, request.state.request_id
    )
    records = read_trail(ctx, subject_id=subject or None, limit=100, before_seq=before)
    return render(
        request,
        "console/audit.html",
        user=user,
        records=records,
        subject=subject or "",
        next_before=records[-1].seq if len(records) == 100 else None,
    )
