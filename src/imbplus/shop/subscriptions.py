"""Subscriptions for other domains (the billing run): what to bill, to whom, from which card."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from imbplus.shop.models import Product, Subscription


@dataclass(frozen=True)
class Billable:
    id: str
    customer_id: str
    product_name: str
    monthly_gross: int
    vat_rate_bp: int
    card_id: str | None
    status: str


def active_started_before(session: Session, end: datetime) -> list[str]:
    return list(
        session.execute(
            select(Subscription.id)
            .where(Subscription.status == "active", Subscription.started_at < end)
            .order_by(Subscription.started_at, Subscription.id)
        ).scalars()
    )


def billable(session: Session, subscription_id: str) -> Billable | None:
    sub = session.get(Subscription, subscription_id)
    if sub is None:
        return None
    product = session.get(Product, sub.product_id)
    return Billable(
        id=sub.id,
        customer_id=sub.customer_id,
        product_name=product.name if product else sub.product_id,
        monthly_gross=sub.monthly_gross,
        vat_rate_bp=sub.vat_rate_bp,
        card_id=sub.card_id,
        status=sub.status,
    )


def end_all(session: Session, customer_id: str) -> int:
    """Erasure or account closure: active subscriptions end now."""
    from imbplus.clock import clock

    rows = list(
        session.execute(
            select(Subscription).where(
                Subscription.customer_id == customer_id, Subscription.status == "active"
            )
        ).scalars()
    )
    for row in rows:
        row.status, row.ended_at = "cancelled", clock.now()
    session.flush()
    return len(rows)


def active_packages(session: Session) -> dict[str, str]:
    """The package of each customer's active subscription (the latest when several)."""
    rows = session.execute(
        select(Subscription.customer_id, Subscription.product_id)
        .where(Subscription.status == "active")
        .order_by(Subscription.started_at, Subscription.id)
    ).all()
    return {customer_id: product_id for customer_id, product_id in rows}
