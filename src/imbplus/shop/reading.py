"""Reading orders (P03 billing, P20): an order with its lines, payment, invoice, shipments
and subscriptions, under one decision of the gate; a customer reaches only their own."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select

from imbplus.billing import invoices
from imbplus.billing.schemas import InvoiceSummary, PaymentRead
from imbplus.errors import NotFound
from imbplus.ids import is_uuid
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category, Purpose
from imbplus.shipping import service as shipping
from imbplus.shop.models import Order, OrderLine, Product, Subscription
from imbplus.shop.schemas import (
    OrderCharge,
    OrderInvoice,
    OrderLineRead,
    OrderPayment,
    OrderRead,
    OrderShipment,
    OrderSummary,
    SubscriptionRead,
)

ORDER_CATEGORIES = frozenset({Category.BILLING_RECORD, Category.PAYMENT_CARD})


def _load(ctx: Context, order_id: str) -> Order:
    row = ctx.session.get(Order, order_id) if is_uuid(order_id) else None
    if row is None or not ctx.actor.reaches(row.customer_id):
        raise NotFound("no order with this id", order=order_id[:64])
    return row


def get(ctx: Context, order_id: str) -> OrderRead:
    row = _load(ctx, order_id)
    grant = ctx.check(
        Action.READ, ORDER_CATEGORIES, operation="order.read", subjects=[row.customer_id]
    )
    lines = ctx.session.execute(
        select(OrderLine).where(OrderLine.order_id == row.id).order_by(OrderLine.position)
    ).scalars()
    shown, inv = invoices.of_order(grant, row.id)
    shipments = _shipments(ctx, row)
    subs = ctx.session.execute(
        select(Subscription).where(Subscription.order_id == row.id)
    ).scalars()
    return OrderRead(
        id=row.id,
        customer_id=row.customer_id,
        status=row.status,
        fulfilment=_fulfilment([s.status for s in shipments]),
        total_gross=row.total_gross,
        currency=row.currency,
        created_at=row.created_at,
        lines=[
            OrderLineRead(
                position=ln.position,
                product_id=ln.product_id,
                kind=ln.kind,
                name=ln.name,
                quantity=ln.quantity,
                unit_gross=ln.unit_gross,
                vat_rate_bp=ln.vat_rate_bp,
            )
            for ln in lines
        ],
        payment=_payment(shown),
        invoice=_invoice(ctx, inv),
        shipments=shipments,
        subscriptions=[SubscriptionRead.model_validate(s) for s in subs],
    )


def _payment(shown: PaymentRead | None) -> OrderPayment | None:
    if shown is None:
        return None
    return OrderPayment(
        status=shown.status, brand=shown.brand, masked=shown.masked, amount_gross=shown.amount_gross
    )


def _invoice(ctx: Context, inv: InvoiceSummary | None) -> OrderInvoice | None:
    if inv is None:
        return None
    charges = [
        OrderCharge(description=ln.description, quantity=ln.quantity, gross=ln.gross)
        for ln in invoices.lines_of(ctx.session, inv.id)
    ]
    return OrderInvoice(id=inv.id, number=inv.number, charges=charges)


def _shipments(ctx: Context, row: Order) -> list[OrderShipment]:
    if not _may_see_shipments(ctx, row.customer_id):
        return []
    shipment_ctx = replace(ctx, purpose=Purpose.SHIPMENT_CONTACT)
    return [
        OrderShipment(id=s.id, parcel_id=s.parcel_id, status=s.status)
        for s in shipping.list_shipments(shipment_ctx, order_id=row.id, customer_id=row.customer_id)
    ]


def _may_see_shipments(ctx: Context, customer_id: str) -> bool:
    gate = ctx.platform.gate
    return any(
        gate.allows(role, Category.SHIPMENT_RECORD, Purpose.SHIPMENT_CONTACT, Action.READ)
        for role in ctx.actor.roles
    )


def _fulfilment(statuses: list[str]) -> str:
    if statuses and all(s in shipping.FINAL for s in statuses):
        return "completed"
    if any(s not in ("created",) for s in statuses):
        return "shipped"
    return "paid"


def list_orders(ctx: Context, *, customer_id: str, limit: int = 50) -> list[OrderRead]:
    ids = ctx.session.execute(
        select(Order.id)
        .where(Order.customer_id == ctx.actor.whose(customer_id))
        .order_by(Order.created_at.desc())
        .limit(limit)
    ).scalars()
    return [get(ctx, i) for i in ids]


def list_recent(ctx: Context, *, status: str | None = None, limit: int = 50) -> list[OrderSummary]:
    """The newest orders of every customer, for billing staff (one audited read)."""
    stmt = select(Order).order_by(Order.created_at.desc()).limit(limit)
    if status:
        stmt = stmt.where(Order.status == status)
    rows = list(ctx.session.execute(stmt).scalars())
    subjects: list[str | None] = [*sorted({r.customer_id for r in rows})] or [None]
    ctx.check(Action.READ, {Category.BILLING_RECORD}, operation="order.list", subjects=subjects)
    return [OrderSummary.model_validate(r) for r in rows]


@dataclass(frozen=True)
class SubscriptionLine:
    product: str
    status: str
    monthly_gross: int
    started_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True)
class CustomerShop:
    """A customer's orders and subscriptions, for the console's view of the customer."""

    orders: list[OrderSummary]
    subscriptions: list[SubscriptionLine]


def of_customer(ctx: Context, customer_id: str, limit: int = 20) -> CustomerShop:
    """The newest orders and every subscription of one customer (one audited read)."""
    ctx.check(
        Action.READ, {Category.BILLING_RECORD}, operation="order.list", subjects=[customer_id]
    )
    orders = ctx.session.execute(
        select(Order)
        .where(Order.customer_id == customer_id)
        .order_by(Order.created_at.desc())
        .limit(limit)
    ).scalars()
    subs = ctx.session.execute(
        select(Subscription, Product.name)
        .join(Product, Product.id == Subscription.product_id)
        .where(Subscription.customer_id == customer_id)
        .order_by(Subscription.started_at.desc())
    ).all()
    return CustomerShop(
        [OrderSummary.model_validate(o) for o in orders],
        [
            SubscriptionLine(name, s.status, s.monthly_gross, s.started_at, s.ended_at)
            for s, name in subs
        ],
    )
