from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from imbplus.db import Base, UTCDateTime
from imbplus.privacy.catalog import Category as C
from imbplus.privacy.catalog import Protection as P
from imbplus.privacy.catalog import classify


class Product(Base):
    """A set-top box model or a subscription package. Prices are gross, in grosze."""

    __tablename__ = "products"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # stb | package
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(500))
    price_gross: Mapped[int] = mapped_column(Integer)  # one-off (stb) or monthly (package)
    vat_rate_bp: Mapped[int] = mapped_column(Integer)  # basis points: 2300 = 23%
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(36), index=True)
    status: Mapped[str] = mapped_column(String(16))  # paid | shipped | completed | cancelled
    placed_by: Mapped[str] = mapped_column(String(100))
    total_gross: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="PLN")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_orders_customer_created", "customer_id", "created_at"),)


class OrderLine(Base):
    __tablename__ = "order_lines"

    order_id: Mapped[str] = mapped_column(
        ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"))
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_gross: Mapped[int] = mapped_column(Integer)
    vat_rate_bp: Mapped[int] = mapped_column(Integer)


class Subscription(Base):
    """Links a customer, a package and (when one was ordered) the box's shipment."""

    __tablename__ = "subscriptions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(36), index=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"))
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"))
    shipment_id: Mapped[str | None] = mapped_column(String(36))
    card_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(16))  # active | suspended | cancelled
    monthly_gross: Mapped[int] = mapped_column(Integer)
    vat_rate_bp: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_subscriptions_status", "status", "id"),)


class OrderRequest(Base):
    """An Idempotency-Key seen on an order: a repeated submission gets the same order."""

    __tablename__ = "order_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    actor: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(100))
    fingerprint: Mapped[str] = mapped_column(String(64))
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("actor", "key", name="uq_order_requests_actor_key"),)


_REF = (C.REFERENCE, P.PLAIN)
_BILL = (C.BILLING_RECORD, P.PLAIN)
classify(
    Product.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Product id (slug)."),
        "kind": (*_REF, "stb or package."),
        "name": (*_REF, "Product name."),
        "description": (*_REF, "Product description."),
        "price_gross": (*_REF, "Gross price in grosze (monthly for packages)."),
        "vat_rate_bp": (*_REF, "VAT rate in basis points."),
        "active": (*_REF, "Offered for sale."),
        "created_at": (*_REF, "Created."),
    },
)
classify(
    Order.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Random order id."),
        "customer_id": (*_REF, "Pseudonymous customer id."),
        "status": (*_REF, "paid, shipped, completed or cancelled."),
        "placed_by": (*_REF, "Actor label of who placed it (staff id or customer id)."),
        "total_gross": (*_BILL, "Order total in grosze (not personal alone)."),
        "currency": (*_REF, "PLN."),
        "created_at": (*_REF, "Placed."),
        "updated_at": (*_REF, "Last status change."),
    },
)
classify(
    OrderLine.__table__,  # type: ignore[arg-type]
    {
        "order_id": (*_REF, "Order."),
        "position": (*_REF, "Line number."),
        "product_id": (*_REF, "Product."),
        "kind": (*_REF, "stb or package."),
        "name": (*_REF, "Product name at the time of the order."),
        "quantity": (*_REF, "Quantity."),
        "unit_gross": (*_REF, "Unit gross price in grosze at the time of the order."),
        "vat_rate_bp": (*_REF, "VAT rate in basis points."),
    },
)
classify(
    Subscription.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Subscription id."),
        "customer_id": (*_REF, "Pseudonymous customer id."),
        "product_id": (*_REF, "The package."),
        "order_id": (*_REF, "The order that started it."),
        "shipment_id": (*_REF, "Shipment of the box that came with it, if any."),
        "card_id": (*_REF, "Saved card charged monthly, if any."),
        "status": (*_REF, "active, suspended or cancelled."),
        "monthly_gross": (*_REF, "Monthly gross price in grosze."),
        "vat_rate_bp": (*_REF, "VAT rate in basis points."),
        "started_at": (*_REF, "Start."),
        "ended_at": (*_REF, "End."),
    },
)
classify(
    OrderRequest.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Row id."),
        "actor": (*_REF, "Who sent the request (actor label)."),
        "key": (*_REF, "The client's Idempotency-Key."),
        "fingerprint": (
            C.BILLING_RECORD,
            P.HASHED,
            "Keyed hash of the request without card number or CVV (a changed request with "
            "a reused key is refused).",
        ),
        "order_id": (*_REF, "The order it created."),
        "created_at": (*_REF, "First seen."),
    },
)
