"""Console page of the audit trail (DPO)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from imbplus.bounds import SeqNo
from imbplus.privacy.catalog import Category
from imbplus.privacy.trail import read_trail
from imbplus.web import menu
from imbplus.web.guards import STAFF_PAGES
from imbplus.web.pages import ConsoleContext, User, page_guard, render

router = APIRouter(prefix="/console/audit", include_in_schema=False, dependencies=STAFF_PAGES)
PAGE = menu.page("audit", "/console/audit", {Category.AUDIT_RECORD}, order=100)


@router.get("", dependencies=[page_guard(PAGE)])
def trail(
    request: Request,
    user: User,
    ctx: ConsoleContext,
    subject: Annotated[str | None, Query(max_length=64)] = None,
    before: Annotated[SeqNo | None, Query()] = None,
) -> Response:
    records = read_trail(ctx, subject_id=subject or None, limit=100, before_seq=before)
    return render(
        request,
        "console/audit.html",
        user=user,
        records=records,
        subject=subject or "",
        next_before=records[-1].seq if len(records) == 100 else None,
    )
