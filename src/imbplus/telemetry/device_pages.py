"""Staff console pages for boxes: find one by serial or MAC, see its record and health."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError

from imbplus.customers import sections
from imbplus.devices import service
from imbplus.devices.schemas import DeviceLookup
from imbplus.errors import AccessDenied
from imbplus.privacy.catalog import Category
from imbplus.telemetry import queries
from imbplus.telemetry.store import Store
from imbplus.web import menu
from imbplus.web.deps import get_runtime
from imbplus.web.errors import validation_problems
from imbplus.web.guards import STAFF_PAGES
from imbplus.web.pages import ConsoleContext, User, page_guard, render

router = APIRouter(prefix="/console/devices", include_in_schema=False, dependencies=STAFF_PAGES)
PAGE = menu.page("devices", "/console/devices", {Category.STB_DEVICE}, order=20)
DEVICE = menu.page("device", "/console/devices/{id}", service.DEV_FULL, in_menu=False)
sections.register(
    "boxes", "console/_customer_boxes.html", service.DEV, service.customer_devices, order=10
)


@router.get("", dependencies=[page_guard(PAGE)])
def search_form(request: Request, user: User, ctx: ConsoleContext) -> Response:
    return render(
        request, "console/devices.html", user=user, purpose=ctx.purpose, results=None, problems=[]
    )


@router.post("", dependencies=[page_guard(PAGE)])
def search(
    request: Request,
    user: User,
    ctx: ConsoleContext,
    query: Annotated[str, Form(max_length=64)],
) -> Response:
    query = query.strip()
    is_mac = len(query.replace(":", "").replace("-", "")) == 12 and not query[:3].isalpha()
    try:
        criteria = DeviceLookup(**({"mac": query} if is_mac else {"serial": query}))
    except ValidationError as exc:
        return render(
            request,
            "console/devices.html",
            422,
            user=user,
            purpose=ctx.purpose,
            results=None,
            problems=validation_problems(exc.errors()),
        )
    results = service.lookup(ctx, criteria)
    return render(
        request,
        "console/devices.html",
        user=user,
        purpose=ctx.purpose,
        results=results,
        problems=[],
    )


@router.get("/{device_id}", dependencies=[page_guard(DEVICE)])
def view(request: Request, user: User, ctx: ConsoleContext, device_id: str) -> Response:
    device = service.get(ctx, device_id)
    history = service.history(ctx, device_id)
    activity = None
    try:
        pseudonyms = service.activity_pseudonyms(ctx, device_id)
        store = Store(get_runtime(request).settings.telemetry_root)
        activity = queries.box_activity(ctx, store, pseudonyms, days=7)
    except AccessDenied:
        activity = None  # the refusal is audited; the record is still shown
    return render(
        request,
        "console/device.html",
        user=user,
        purpose=ctx.purpose,
        device=device,
        history=history,
        activity=activity,
    )
