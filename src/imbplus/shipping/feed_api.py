"""The carrier's own API (P04): called with a processor credential, never a staff token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from imbplus.privacy.catalog import Purpose
from imbplus.processors.auth import PROCESSOR_API, ProcessorCaller
from imbplus.shipping import feed
from imbplus.shipping.schemas import ParcelToDeliver
from imbplus.web.deps import Db, get_runtime
from imbplus.web.responses import API_ERRORS

router = APIRouter(
    prefix="/api/v1/feeds",
    tags=["processor feeds"],
    responses=API_ERRORS,
    dependencies=PROCESSOR_API,
)


@router.get("/shipments")
def shipments_to_deliver(
    request: Request,
    session: Db,
    carrier: ProcessorCaller,
    limit: Annotated[int, Query(ge=1, le=200)] = 100,
) -> list[ParcelToDeliver]:
    """The parcels this carrier must deliver, with recipient name and address only
    (`service_delivery`); each one is recorded on the disclosure register."""
    ctx = carrier.context(
        session, get_runtime(request), Purpose.SERVICE_DELIVERY, request.state.request_id
    )
    return feed.to_deliver(ctx, carrier, limit=limit)
