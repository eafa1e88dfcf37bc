"""JSON routes of shipments (purpose `shipment_contact`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from imbplus.ids import UUID
from imbplus.shipping import amendments, service
from imbplus.shipping.schemas import (
    AmendmentCreate,
    AmendmentRead,
    SealCheck,
    ShipmentRead,
    ShipmentSummary,
    Status,
    StatusChange,
)
from imbplus.web.deps import ApiContext
from imbplus.web.guards import STAFF_API
from imbplus.web.responses import API_ERRORS, pdf_file, pdf_response

router = APIRouter(
    prefix="/api/v1/shipments", tags=["shipments"], responses=API_ERRORS, dependencies=STAFF_API
)


@router.get("")
def list_shipments(
    ctx: ApiContext,
    status: Annotated[Status | None, Query()] = None,
    customer_id: Annotated[str | None, Query(pattern=UUID)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[ShipmentSummary]:
    return service.list_shipments(ctx, status=status, customer_id=customer_id, limit=limit)


@router.get("/{shipment_id}")
def get_shipment(ctx: ApiContext, shipment_id: str) -> ShipmentRead:
    """The record as sealed, its amendments and the effective recipient."""
    return service.get(ctx, shipment_id)


@router.post("/{shipment_id}/status")
def change_status(ctx: ApiContext, shipment_id: str, body: StatusChange) -> ShipmentRead:
    """Next status; the recipient is told by e-mail and SMS; a final status seals."""
    return service.change_status(ctx, shipment_id, body.status)


@router.post("/{shipment_id}/amendments", status_code=201)
def amend(ctx: ApiContext, shipment_id: str, body: AmendmentCreate) -> AmendmentRead:
    return amendments.amend(ctx, shipment_id, body)


@router.get("/{shipment_id}/seal")
def verify_seal(ctx: ApiContext, shipment_id: str) -> SealCheck:
    return service.verify(ctx, shipment_id)


@router.get("/{shipment_id}/label", response_class=Response, responses=pdf_response("Label PDF"))
def label(ctx: ApiContext, shipment_id: str) -> Response:
    """Recipient name, address, parcel id and barcode only (P10)."""
    parcel_id, content = service.label(ctx, shipment_id)
    return pdf_file(content, f"label-{parcel_id}.pdf")
