"""JSON routes for customers. Thin: resolve the caller, call the service, return."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from imbplus.customers import service
from imbplus.customers.schemas import (
    CustomerCreate,
    CustomerListItem,
    CustomerPage,
    CustomerRead,
    CustomerSearch,
    CustomerUpdate,
    ErasureAnswer,
    KeptItem,
)
from imbplus.web.deps import ApiContext
from imbplus.web.guards import STAFF_API
from imbplus.web.responses import API_ERRORS

router = APIRouter(
    prefix="/api/v1/customers", tags=["customers"], responses=API_ERRORS, dependencies=STAFF_API
)


@router.post("", status_code=201)
def create_customer(ctx: ApiContext, body: CustomerCreate) -> CustomerRead:
    return service.create(ctx, body)


@router.get("")
def list_customers(
    ctx: ApiContext,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> CustomerPage:
    return service.list_page(ctx, limit=limit, cursor=cursor)


@router.post("/search")
def search_customers(ctx: ApiContext, body: CustomerSearch) -> list[CustomerListItem]:
    """Exact lookup by e-mail or phone (in the body, so no personal value is in a URL)."""
    return service.search(ctx, body)


@router.get("/{customer_id}")
def get_customer(ctx: ApiContext, customer_id: str) -> CustomerRead:
    return service.get(ctx, customer_id)


@router.patch("/{customer_id}")
def update_customer(ctx: ApiContext, customer_id: str, body: CustomerUpdate) -> CustomerRead:
    return service.update(ctx, customer_id, body)


@router.post("/{customer_id}/erasure")
def erase_customer(ctx: ApiContext, customer_id: str) -> ErasureAnswer:
    """Erase the person (data-subject request): purpose `data_subject_request`."""
    report = service.erase(ctx, customer_id)
    return ErasureAnswer(
        customer_id=report.customer_id,
        erased=report.erased,
        kept=[KeptItem(**vars(k)) for k in report.kept],
    )
