"""Portal page and API where a customer sets the STB password and parental PIN (P14)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError

from imbplus.devices import service
from imbplus.devices.schemas import StbCredentialsSet, StbCredentialsStatus
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Purpose
from imbplus.shipping import service as shipping
from imbplus.shop import catalog
from imbplus.web.deps import Db
from imbplus.web.errors import validation_problems
from imbplus.web.pages import render
from imbplus.web.responses import API_ERRORS
from imbplus.web.subscribers import (
    SUBSCRIBER_API,
    SUBSCRIBER_PAGES,
    ApiCustomer,
    Customer,
    PortalUser,
    context_for,
)

pages = APIRouter(prefix="/portal", include_in_schema=False, dependencies=SUBSCRIBER_PAGES)
api = APIRouter(
    prefix="/api/v1/portal", tags=["portal"], responses=API_ERRORS, dependencies=SUBSCRIBER_API
)

SERVICE = Purpose.SERVICE_DELIVERY
# a box the customer holds: a registered box assigned to them, or a delivered parcel with one
HELD = frozenset({"shipped", "active", "suspended"})


@dataclass(frozen=True)
class Box:
    name: str  # a registered box's model, or the product name of a parcel's box
    product: str  # the product id of a parcel's box ("" for a registered box)
    reference: str  # serial number, or the parcel's number
    status: str  # a text key
    held: bool


def boxes_of(ctx: Context, customer_id: str) -> list[Box]:
    """The customer's boxes (P14): every box registered to them, and every box sent to them
    in a parcel (a delivered one is theirs even before the warehouse registers its serial)."""
    boxes = [
        Box(d.model, "", d.serial, f"stb.status.{d.status}", d.status in HELD)
        for d in service.customer_devices(ctx, customer_id)
    ]
    # the parcels are read for the purpose every shipping step has (shipment_contact)
    parcels = shipping.list_shipments(shipping.for_shipment(ctx), customer_id=customer_id)
    products = catalog.get_many(ctx.session, {p.item for p in parcels})
    for p in parcels:
        if p.item in products and products[p.item].kind == "stb":
            held = p.status == "delivered"
            name = products[p.item].name
            boxes.append(Box(name, p.item, p.parcel_id, f"orders.status.{p.status}", held))
    return boxes


def _page(
    request: Request,
    ctx_user: PortalUser,
    session: Db,
    status: int = 200,
    problems: list[dict[str, str]] | None = None,
    saved: bool = False,
) -> Response:
    ctx = context_for(request, session, ctx_user, SERVICE)
    state = service.stb_credentials_status(ctx, ctx_user.customer_id)
    boxes = boxes_of(ctx, ctx_user.customer_id)
    return render(
        request,
        "portal/stb.html",
        status,
        state=state,
        boxes=boxes,
        has_box=any(b.held for b in boxes),
        csrf=ctx_user.web_session.csrf_token,
        user=ctx_user,
        problems=problems or [],
        saved=saved,
    )


@pages.get("/stb")
def stb_page(request: Request, user: Customer, session: Db) -> Response:
    return _page(request, user, session)


@pages.post("/stb")
def stb_save(
    request: Request,
    user: Customer,
    session: Db,
    pin: Annotated[str, Form(max_length=16)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
) -> Response:
    try:
        data = StbCredentialsSet(pin=pin or None, password=password or None)
    except ValidationError as exc:
        return _page(request, user, session, 422, problems=validation_problems(exc.errors()))
    service.set_stb_credentials(
        context_for(request, session, user, SERVICE), user.customer_id, data
    )
    return _page(request, user, session, saved=True)


@api.get("/stb-credentials")
def stb_status(request: Request, user: ApiCustomer, session: Db) -> StbCredentialsStatus:
    """Whether the customer's PIN and box password are set (never the values or hashes)."""
    ctx = context_for(request, session, user, SERVICE)
    return service.stb_credentials_status(ctx, user.customer_id)


@api.put("/stb-credentials")
def stb_set(
    request: Request, user: ApiCustomer, session: Db, body: StbCredentialsSet
) -> StbCredentialsStatus:
    """Set or change the PIN and/or the box password (portal session + X-CSRF-Token)."""
    ctx = context_for(request, session, user, SERVICE)
    return service.set_stb_credentials(ctx, user.customer_id, body)
