"""Console page of the disclosure register (P01, P06; DPO): every hand-over to a processor,
an authority or a third party, newest first, filtered by kind of recipient, paged. Read for
security oversight like the audit trail; the register holds no personal value."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from imbplus.bounds import RowId
from imbplus.privacy import disclosure, releases
from imbplus.privacy.catalog import Category
from imbplus.web import menu
from imbplus.web.deps import Db
from imbplus.web.guards import STAFF_PAGES
from imbplus.web.pages import ConsoleContext, User, page_guard, render

router = APIRouter(prefix="/console/disclosures", include_in_schema=False, dependencies=STAFF_PAGES)
PAGE = 50
MENU = menu.page("disclosures", "/console/disclosures", {Category.AUDIT_RECORD}, order=130)


@router.get("", dependencies=[page_guard(MENU)])
def register_page(
    request: Request,
    session: Db,
    user: User,
    ctx: ConsoleContext,
    kind: Annotated[str, Query(max_length=16)] = "",
    before: Annotated[RowId | None, Query()] = None,
) -> Response:
    kind = kind if kind in disclosure.RECIPIENT_KINDS else ""
    rows = disclosure.register_rows(ctx, kind=kind or None, before_id=before, limit=PAGE)
    return render(
        request,
        "console/disclosures.html",
        user=user,
        rows=rows,
        kind=kind,
        kinds=disclosure.RECIPIENT_KINDS,
        recipients=releases.recipients(session),
        next_before=rows[-1].id if len(rows) == PAGE else None,
    )
