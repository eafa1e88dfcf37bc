"""JSON routes of the shop. Thin: resolve the caller, call the service, return."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Response

from imbplus.ids import UUID
from imbplus.shop import catalog, orders
from imbplus.shop.schemas import OrderCreate, OrderRead, ProductRead
from imbplus.web.deps import ApiContext, Db
from imbplus.web.guards import PUBLIC, STAFF_API
from imbplus.web.responses import API_ERRORS, PAYMENT_ERRORS

catalogue = APIRouter(prefix="/api/v1", tags=["shop"], responses=API_ERRORS, dependencies=PUBLIC)
staff = APIRouter(prefix="/api/v1", tags=["shop"], responses=API_ERRORS, dependencies=STAFF_API)
IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=100,
        pattern=r"^[A-Za-z0-9_.:-]{8,100}$",
        description="Unique per order attempt; a repeated request returns the same order.",
    ),
]


@catalogue.get("/products")
def list_products(
    session: Db,
    kind: Annotated[Literal["stb", "package"] | None, Query()] = None,
) -> list[ProductRead]:
    """The public catalogue (no personal data, no login)."""
    return catalog.list_products(session, kind=kind)


@staff.post("/orders", status_code=201, responses=PAYMENT_ERRORS)
def place_order(
    ctx: ApiContext, body: OrderCreate, key: IdempotencyKey, response: Response
) -> OrderRead:
    """Place and pay an order (purpose `billing`). The card's CVV is used for this
    authorization only. With a key already used, the first order is returned (200)."""
    order = orders.place(ctx, body, key)
    if order.replayed:
        response.status_code = 200
    return order


@staff.get("/orders")
def list_orders(
    ctx: ApiContext,
    customer_id: Annotated[str, Query(pattern=UUID)],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[OrderRead]:
    return orders.list_orders(ctx, customer_id=customer_id, limit=limit)


@staff.get("/orders/{order_id}")
def get_order(ctx: ApiContext, order_id: str) -> OrderRead:
    return orders.get(ctx, order_id)


router = APIRouter()
router.include_router(catalogue)
router.include_router(staff)
