"""Factories for the shop, billing and shipments (through the real services)."""

from __future__ import annotations

import itertools
from typing import Any

from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.processors import service as processors
from imbplus.runtime import Runtime
from imbplus.shop import catalog, orders
from imbplus.shop.schemas import OrderCreate, OrderRead

_keys = itertools.count(1)
VISA = "4242 4242 4242 4242"
VISA_CVV = "902"


def setup_shop(rt: Runtime) -> None:
    """The demo catalogue and the sandbox processors, as `imbplus demo` sets them up."""
    with rt.job("demo", Purpose.SECURITY) as ctx:
        catalog.load_default(ctx.session)
        processors.register_sandbox(ctx)


def card(number: str = VISA, cvv: str = VISA_CVV, **overrides: Any) -> dict[str, Any]:
    return {"number": number, "exp_month": 12, "exp_year": 2030, "cvv": cvv, **overrides}


def order_body(customer_id: str, *lines: tuple[str, int], **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "customer_id": customer_id,
        "lines": [{"product_id": p, "quantity": q} for p, q in lines]
        or [
            {"product_id": "stb-4k-x2", "quantity": 1},
            {"product_id": "pkg-family", "quantity": 1},
        ],
        "card": card(save=True),
    }
    body.update(overrides)
    return body


def idempotency_key() -> str:
    return f"test-key-{next(_keys):06d}"


def customer_ctx(rt: Runtime, session: Any, customer_id: str) -> Context:
    return Context(session, rt, Actor.customer(customer_id), Purpose.BILLING)


def place_order(
    rt: Runtime, customer_id: str, *lines: tuple[str, int], **overrides: Any
) -> OrderRead:
    """An order placed by the customer (as in the portal), committed."""
    body = OrderCreate.model_validate(order_body(customer_id, *lines, **overrides))
    with rt.unit_of_work() as session:
        return orders.place(customer_ctx(rt, session, customer_id), body, idempotency_key())
