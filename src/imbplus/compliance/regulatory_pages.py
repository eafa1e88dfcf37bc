"""Console page of the regulatory report (P03; DPO): make the year's report, see the ones
handed over (from the disclosure register) and download their CSV and PDF, served only
while their SHA-256 matches the register's."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path as FsPath
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from imbplus.clock import clock
from imbplus.compliance import regulatory
from imbplus.errors import ValidationFailed
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Category, Purpose
from imbplus.telemetry.store import Store
from imbplus.web import menu
from imbplus.web.deps import Db, get_runtime
from imbplus.web.guards import STAFF_PAGES
from imbplus.web.pages import User, console_context, page_guard, render

router = APIRouter(prefix="/console/regulatory", include_in_schema=False, dependencies=STAFF_PAGES)
TYPES = {"csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}


PAGE = menu.page(
    "regulatory",
    "/console/regulatory",
    {Category.AUDIT_RECORD},
    serves={Purpose.REGULATORY_COMPLIANCE},
    order=135,
)


def _ctx(request: Request, session: Db, user: User) -> Context:
    # the purpose the member of staff chose is the one every read here records
    return console_context(request, session, user)


def _root(request: Request) -> FsPath:
    return get_runtime(request).settings.data_dir / "reports" / "regulatory"


def _page(
    request: Request, ctx: Context, user: User, status: int = 200, problems: object = ()
) -> Response:
    settings = ctx.platform.settings
    return render(
        request,
        "console/regulatory.html",
        status,
        user=user,
        rows=regulatory.reports(ctx),
        year=clock.now().year - 1,
        recipient=settings.regulatory_recipient,
        legal_basis=settings.regulatory_legal_basis,
        threshold=settings.regulatory_threshold,
        problems=list(problems),  # type: ignore[call-overload]
    )


@router.get("", dependencies=[page_guard(PAGE)])
def regulatory_page(request: Request, session: Db, user: User) -> Response:
    return _page(request, _ctx(request, session, user), user)


@router.post("")
def make_report(
    request: Request,
    session: Db,
    user: User,
    year: Annotated[int, Form(ge=2000, le=2100)],
) -> Response:
    """Make the year's report and hand it over (recorded on the disclosure register)."""
    ctx = _ctx(request, session, user)
    settings = ctx.platform.settings
    _root(request).mkdir(parents=True, exist_ok=True)
    staging = _root(request) / f".{uuid.uuid4().hex}"
    try:
        written = regulatory.write(
            ctx,
            Store(settings.telemetry_root),
            year=year,
            out_dir=staging,
            recipient_id=settings.regulatory_recipient,
            legal_basis=settings.regulatory_legal_basis,
            threshold=settings.regulatory_threshold,
            skip=regulatory.left_out(ctx),
        )
        staging.rename(_root(request) / str(written.disclosure_id))
    except ValidationFailed as exc:
        return _page(request, ctx, user, 422, exc.details["fields"])
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return RedirectResponse("/console/regulatory", status_code=303)


@router.get("/{disclosure_id}/{name}")
def download(
    request: Request,
    session: Db,
    user: User,
    disclosure_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    name: Annotated[str, Path(pattern=r"^regulatory-\d{4}\.(csv|pdf)$")],
) -> Response:
    suffix = name.rpartition(".")[2]
    filename, content = regulatory.stored_file(
        _ctx(request, session, user), _root(request), disclosure_id, suffix
    )
    return Response(
        content,
        media_type=TYPES[suffix],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
