"""Demo shop: the catalogue, the sandbox processors and a few paid orders of demo customers,
placed as the customers themselves (as in the portal) with sandbox test cards."""

from __future__ import annotations

import random

from sqlalchemy import func, select

from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.processors import service as processors
from imbplus.runtime import Runtime
from imbplus.shop import catalog, orders
from imbplus.shop.models import Order
from imbplus.shop.schemas import OrderCreate

TEST_CARDS = ("4242 4242 4242 4242", "5555 5555 5555 4444", "4111 1111 1111 1111")


def load(rt: Runtime, customer_ids: list[str], count: int = 12, seed: int = 2026) -> int:
    """Idempotent: nothing new when the demo already has orders."""
    with rt.job("demo", Purpose.SECURITY) as ctx:
        catalog.load_default(ctx.session)
        processors.register_sandbox(ctx)
        if ctx.session.execute(select(func.count()).select_from(Order)).scalar_one():
            return 0
    rnd = random.Random(seed)
    boxes = [p for p in catalog.DEFAULT_CATALOGUE if p[1] == "stb"]
    packages = [p for p in catalog.DEFAULT_CATALOGUE if p[1] == "package"]
    placed = 0
    for i, customer_id in enumerate(customer_ids[:count]):
        body = OrderCreate.model_validate(
            {
                "customer_id": customer_id,
                "lines": [
                    {"product_id": rnd.choice(boxes)[0], "quantity": 1},
                    {"product_id": rnd.choice(packages)[0], "quantity": 1},
                ],
                "card": {
                    "number": TEST_CARDS[i % len(TEST_CARDS)],
                    "exp_month": rnd.randint(1, 12),
                    "exp_year": 2030,
                    "cvv": f"{rnd.randint(100, 999)}",
                    "save": True,
                },
            }
        )
        with rt.unit_of_work() as session:
            ctx = Context(session, rt, Actor.customer(customer_id), Purpose.BILLING)
            orders.place(ctx, body, f"demo-{customer_id}")
        placed += 1
    return placed
