"""The subscriber downloads their own copy of everything held about them (B01, GDPR art. 15
and 20) from the portal: the ZIP of `compliance.subject_copy`, in the page's language. The
download is an access request answered at once, kept in the register of requests."""

from __future__ import annotations

import io

from fastapi import APIRouter, Request
from fastapi.responses import Response

from imbplus.compliance import rights, subject_copy
from imbplus.privacy.catalog import Purpose
from imbplus.telemetry.store import Store
from imbplus.web import i18n
from imbplus.web.deps import Db, get_runtime
from imbplus.web.subscribers import SUBSCRIBER_PAGES, Customer, context_for

router = APIRouter(prefix="/portal", include_in_schema=False, dependencies=SUBSCRIBER_PAGES)


@router.post("/privacy/copy")
def download_copy(request: Request, session: Db, user: Customer) -> Response:
    ctx = context_for(request, session, user, Purpose.DATA_SUBJECT_REQUEST)
    lang = i18n.lang_of(request.scope)
    store = Store(get_runtime(request).settings.telemetry_root)
    copy = subject_copy.build(ctx, user.customer_id, store)
    buffer = io.BytesIO()
    manifest = subject_copy.write_zip(copy, buffer, lang=lang)
    digest = manifest["files"]["data.json"]["sha256"][:16]
    rights.answered_at_once(ctx, user.customer_id, "access", "portal", f"copy data.json {digest}")
    name = "imbplus-moje-dane.zip" if lang == "pl" else "imbplus-my-data.zip"
    return Response(
        buffer.getvalue(),
        media_type="application/zip",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )
