"""Checkout through the service: order, payment, invoice, shipment, subscription."""

from __future__ import annotations

from sqlalchemy import func, select

from imbplus.billing.models import Card, Invoice, Payment
from imbplus.notify.models import OutboxMessage
from imbplus.runtime import Runtime
from imbplus.shipping.models import Shipment
from imbplus.shop.models import Order, Subscription
from tests.support.factories import make_customer
from tests.support.shop import place_order, setup_shop


def _count(rt: Runtime, model: type) -> int:
    with rt.sessions() as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


def test_a_box_and_a_package_make_a_paid_order_with_invoice_shipment_and_subscription(
    rt: Runtime,
) -> None:
    setup_shop(rt)
    customer = make_customer(rt)
    order = place_order(rt, customer.id)
    # the box, and the package's first period: 13/30 of 69,99 zł (18-30 November)
    assert order.status == "paid" and order.total_gross == 39900 + 3033
    assert order.payment is not None and order.payment.masked == "424242******4242"
    assert order.invoice is not None and order.invoice.number.startswith("FV/")
    assert len(order.shipments) == 1 and order.shipments[0].status == "created"
    assert len(order.subscriptions) == 1
    sub = order.subscriptions[0]
    assert sub.shipment_id == order.shipments[0].id and sub.card_id is not None
    assert _count(rt, Order) == 1 and _count(rt, Payment) == 1 and _count(rt, Invoice) == 1
    assert _count(rt, Shipment) == 1 and _count(rt, Subscription) == 1 and _count(rt, Card) == 1
    assert _count(rt, OutboxMessage) == 2  # e-mail and SMS about the new shipment
