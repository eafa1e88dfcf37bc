"""Staff console pages for shipments: list, record with events and amendments, status
changes, amendments, label, seal check. The console's purpose must be shipment_contact."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from imbplus.errors import ValidationFailed
from imbplus.privacy.catalog import Category
from imbplus.shipping import amendments, service
from imbplus.shipping.schemas import AmendmentCreate
from imbplus.web import menu
from imbplus.web.errors import validation_problems
from imbplus.web.guards import STAFF_PAGES
from imbplus.web.pages import ConsoleContext, User, page_guard, render
from imbplus.web.responses import pdf_file

router = APIRouter(prefix="/console/shipments", include_in_schema=False, dependencies=STAFF_PAGES)
PAGE = menu.page("shipments", "/console/shipments", {Category.SHIPMENT_RECORD}, order=40)
Short = Annotated[str, Form(max_length=64)]
Text = Annotated[str, Form(max_length=500)]
STATUSES = ("created", "handed_over", "in_transit", "delivered", "returned", "lost")


@router.get("", dependencies=[page_guard(PAGE)])
def shipments(request: Request, user: User, ctx: ConsoleContext, status: str = "") -> Response:
    found = service.list_shipments(ctx, status=status if status in STATUSES else None, limit=100)
    return render(
        request,
        "console/shipments.html",
        user=user,
        purpose=ctx.purpose,
        shipments=found,
        status=status,
        statuses=STATUSES,
    )


def _page(
    request: Request, user: User, ctx: ConsoleContext, sid: str, status: int = 200, **extra: object
) -> Response:
    shipment = service.get(ctx, sid)
    return render(
        request,
        "console/shipment.html",
        status,
        user=user,
        purpose=ctx.purpose,
        shipment=shipment,
        next_statuses=service.NEXT.get(shipment.status, ()),
        kinds=ctx.platform.settings.shipment_amendment_kinds,
        seal=service.verify(ctx, sid) if shipment.sealed_at else None,
        **extra,
    )


@router.get("/{shipment_id}")
def shipment(request: Request, user: User, ctx: ConsoleContext, shipment_id: str) -> Response:
    return _page(request, user, ctx, shipment_id)


@router.post("/{shipment_id}/status")
def change_status(ctx: ConsoleContext, shipment_id: str, status: Short) -> Response:
    service.change_status(ctx, shipment_id, status)
    return RedirectResponse(f"/console/shipments/{shipment_id}", status_code=303)


@router.post("/{shipment_id}/amendments")
def amend(
    request: Request,
    user: User,
    ctx: ConsoleContext,
    shipment_id: str,
    kind: Short,
    reason: Text,
    value: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """`value` is the name, the address as "street; NN-NNN; city", or the note."""
    body: dict[str, object] = {"kind": kind, "reason": reason}
    if kind == "recipient_name_correction":
        body["name"] = value
    elif kind == "address_correction":
        parts = [p.strip() for p in value.split(";")]
        body["address"] = dict(zip(("street", "postal_code", "city"), parts, strict=False))
    else:
        body["note"] = value
    try:
        amendments.amend(ctx, shipment_id, AmendmentCreate.model_validate(body))
    except ValidationError as exc:
        return _page(
            request, user, ctx, shipment_id, 422, problems=validation_problems(exc.errors())
        )
    except ValidationFailed as exc:
        return _page(request, user, ctx, shipment_id, 422, problems=exc.details["fields"])
    return RedirectResponse(f"/console/shipments/{shipment_id}", status_code=303)


@router.get("/{shipment_id}/label")
def label(user: User, ctx: ConsoleContext, shipment_id: str) -> Response:
    parcel_id, content = service.label(ctx, shipment_id)
    return pdf_file(content, f"label-{parcel_id}.pdf")
