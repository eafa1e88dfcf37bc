"""Console: a survey's answers, anonymized, for a third party (P06, P19). The marketing or
analyst member on the results page picks a registered third party and k; the CSV comes back
as a download, and the hand-over is on the disclosure register in the same transaction."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from imbplus.compliance import sharing
from imbplus.errors import ValidationFailed
from imbplus.telemetry.store import Store
from imbplus.web.deps import get_runtime
from imbplus.web.guards import STAFF_PAGES
from imbplus.web.pages import ConsoleContext, User, check_csrf

router = APIRouter(prefix="/console/surveys", include_in_schema=False, dependencies=STAFF_PAGES)
Small = Annotated[str, Form(max_length=64)]


def _number(value: str, field: str) -> int | None:
    if not value.strip():
        return None
    try:
        return int(value)
    except ValueError:
        raise ValidationFailed([{"field": field, "problem": "a whole number"}]) from None


@router.post("/{survey_id}/anonymized")
def anonymized(
    request: Request,
    user: User,
    ctx: ConsoleContext,
    survey_id: str,
    csrf: Small,
    recipient: Small,
    k: Small = "5",
    l: Small = "",  # noqa: E741  (the model's name)
) -> Response:
    check_csrf(user, csrf)
    request_ = sharing.Request(
        "surveys", recipient, _number(k, "k") or 0, _number(l, "l"), survey_id=survey_id
    )
    store = Store(get_runtime(request).settings.telemetry_root)
    with tempfile.TemporaryDirectory(prefix="imbplus-release-") as folder:
        out = Path(folder) / "survey.csv"
        shared = sharing.export(ctx, store, request_, out)
        body = out.read_bytes()
    name = f"survey-{survey_id[:8]}-anonymized-k{shared.k}.csv"
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Disclosure": str(shared.disclosure_id),
        },
    )
