"""Console pages for campaigns (P03): list, new, audience count, approve, send.

The marketing role works here under the `marketing` purpose and sees counts only; sending
is done by the send job in the same unit of work (`service.send`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from imbplus.errors import ValidationFailed
from imbplus.marketing import audience as aud
from imbplus.marketing import service
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Category, Purpose
from imbplus.shop import catalog
from imbplus.web import menu
from imbplus.web.guards import STAFF_PAGES
from imbplus.web.i18n import lang_of, localized
from imbplus.web.pages import ConsoleContext, User, page_guard, render

router = APIRouter(prefix="/console/marketing", include_in_schema=False, dependencies=STAFF_PAGES)
Body = Annotated[str, Form(max_length=6000)]
Line = Annotated[str, Form(max_length=200)]
Small = Annotated[str, Form(max_length=64)]
AUDIENCE_FIELDS = ("package", "has_box", "region", "min_tenure_months")
PAGE = menu.page(
    "campaigns", "/console/marketing", {Category.REFERENCE}, serves={Purpose.MARKETING}, order=95
)


def _list(
    request: Request,
    user: User,
    ctx: Context,
    status: int = 200,
    problems: list[dict[str, str]] | None = None,
    values: dict[str, str] | None = None,
    preview: service.Preview | None = None,
) -> Response:
    return render(
        request,
        "console/marketing.html",
        status,
        user=user,
        campaigns=service.list_all(ctx),
        packages=catalog.list_products(ctx.session, kind="package"),
        regions=aud.REGIONS,
        small=aud.SMALL_COUNT,
        problems=problems or [],
        values=values or {},
        preview=preview,
    )


@router.get("", dependencies=[page_guard(PAGE)])
def campaign_list(request: Request, user: User, ctx: ConsoleContext) -> Response:
    return _list(request, user, ctx)


@router.post("/preview")
def preview(
    request: Request,
    user: User,
    ctx: ConsoleContext,
    package: Small = "",
    has_box: Small = "",
    region: Small = "",
    min_tenure_months: Small = "",
) -> Response:
    values = {"package": package, "has_box": has_box, "region": region}
    values["min_tenure_months"] = min_tenure_months
    try:
        found = service.preview(ctx, aud.parse(ctx, values))
    except ValidationFailed as exc:
        return _list(request, user, ctx, 422, exc.details.get("fields", []), values)
    return _list(request, user, ctx, values=values, preview=found)


@router.post("")
def create(
    request: Request,
    user: User,
    ctx: ConsoleContext,
    name: Line,
    subject_pl: Line,
    body_pl: Body,
    subject_en: Line,
    body_en: Body,
    package: Small = "",
    has_box: Small = "",
    region: Small = "",
    min_tenure_months: Small = "",
) -> Response:
    texts = service.Texts(name, subject_pl, body_pl, subject_en, body_en)
    values = {"package": package, "has_box": has_box, "region": region}
    values["min_tenure_months"] = min_tenure_months
    try:
        campaign = service.create(ctx, texts, dict(values))
    except ValidationFailed as exc:
        shown = {**values, **{k: getattr(texts, k) for k in service.LIMITS}}
        return _list(request, user, ctx, 422, exc.details.get("fields", []), shown)
    return _to(request, campaign.id)


def _to(request: Request, campaign_id: str, done: str = "") -> Response:
    path = f"/console/marketing/{campaign_id}" + (f"?done={done}" if done else "")
    return RedirectResponse(localized(lang_of(request.scope), path), status_code=303)


@router.get("/{campaign_id}")
def detail(
    request: Request, user: User, ctx: ConsoleContext, campaign_id: str, done: str = ""
) -> Response:
    campaign = service.get(ctx, campaign_id)
    audience = aud.Audience.from_json(campaign.audience)
    counts = service.preview(ctx, audience) if campaign.status != service.SENT else None
    return render(
        request,
        "console/marketing_campaign.html",
        user=user,
        campaign=campaign,
        audience=audience,
        preview=counts,
        small=aud.SMALL_COUNT,
        done=done if done in ("approved", "sent") else "",
        own=campaign.created_by == ctx.actor.label,
    )


@router.post("/{campaign_id}/approve")
def approve(request: Request, user: User, ctx: ConsoleContext, campaign_id: str) -> Response:
    service.approve(ctx, campaign_id)
    return _to(request, campaign_id, "approved")


@router.post("/{campaign_id}/send")
def send(request: Request, user: User, ctx: ConsoleContext, campaign_id: str) -> Response:
    service.send(ctx, campaign_id)
    return _to(request, campaign_id, "sent")
