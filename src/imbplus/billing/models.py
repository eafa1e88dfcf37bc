from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from imbplus.db import Base, UTCDateTime
from imbplus.privacy.catalog import Category as C
from imbplus.privacy.catalog import Protection as P
from imbplus.privacy.catalog import classify


class Card(Base):
    """A saved card (P20). The number, expiry and provider token are encrypted under the
    card's own data key (owned by the customer); the masked form under the customer's key.
    The CVV is never stored."""

    __tablename__ = "cards"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(36), index=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("data_keys.id"))
    brand: Mapped[str] = mapped_column(String(16))
    pan_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    expiry_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    token_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    masked_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    provider: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # active | removed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Payment(Base):
    """One charge attempt at the payment provider (approved, declined or failed)."""

    __tablename__ = "payments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(16))  # checkout | recurring
    order_id: Mapped[str | None] = mapped_column(String(36))
    invoice_id: Mapped[str | None] = mapped_column(ForeignKey("invoices.id"))
    card_id: Mapped[str | None] = mapped_column(String(36))
    brand: Mapped[str] = mapped_column(String(16))
    masked_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    amount_gross: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16))  # approved | declined | failed
    provider: Mapped[str] = mapped_column(String(64))
    provider_ref: Mapped[str | None] = mapped_column(String(100))
    decline_code: Mapped[str | None] = mapped_column(String(64))
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_payments_customer_created", "customer_id", "created_at"),
        Index("ix_payments_invoice", "invoice_id"),
    )


class InvoiceCounter(Base):
    """The last invoice number of a year; locked by the transaction that issues one, so
    numbers have no gaps (a rolled-back invoice gives its number back)."""

    __tablename__ = "invoice_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(Integer)


class Invoice(Base):
    """Kept for the tax retention period (5 years from the end of the year), even after
    the customer's erasure: the buyer's name and address are a copy encrypted under the
    year's retention key, not the customer's key."""

    __tablename__ = "invoices"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    customer_id: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # order | subscription
    order_id: Mapped[str | None] = mapped_column(String(36))
    subscription_id: Mapped[str | None] = mapped_column(String(36))
    period: Mapped[str | None] = mapped_column(String(7))  # YYYY-MM
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_date: Mapped[date] = mapped_column(Date)
    net_total: Mapped[int] = mapped_column(Integer)
    vat_total: Mapped[int] = mapped_column(Integer)
    gross_total: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16))  # paid | unpaid
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    charge_attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_charge_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    buyer_name_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    buyer_street_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    buyer_postal_code_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    buyer_city_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    seller_name: Mapped[str | None] = mapped_column(String(200))
    seller_street: Mapped[str | None] = mapped_column(String(200))
    seller_postal_code: Mapped[str | None] = mapped_column(String(6))
    seller_city: Mapped[str | None] = mapped_column(String(100))
    seller_nip: Mapped[str | None] = mapped_column(String(10))
    retain_until: Mapped[date] = mapped_column(Date)

    __table_args__ = (
        UniqueConstraint("year", "seq", name="uq_invoices_year_seq"),
        Index("ix_invoices_due", "status", "next_charge_at"),
    )


class InvoiceLine(Base):
    __tablename__ = "invoice_lines"

    invoice_id: Mapped[str] = mapped_column(
        ForeignKey("invoices.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    description: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(8), default="szt.")
    unit_gross: Mapped[int] = mapped_column(Integer)
    vat_rate_bp: Mapped[int] = mapped_column(Integer)
    net: Mapped[int] = mapped_column(Integer)
    vat: Mapped[int] = mapped_column(Integer)
    gross: Mapped[int] = mapped_column(Integer)


class BilledPeriod(Base):
    """A subscription month that has its invoice: the billing run never bills it again."""

    __tablename__ = "billed_periods"

    subscription_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    invoice_id: Mapped[str] = mapped_column(ForeignKey("invoices.id"))


_REF = (C.REFERENCE, P.PLAIN)
_CARD = (C.PAYMENT_CARD, P.ENCRYPTED)
_BILL = (C.BILLING_RECORD, P.PLAIN)
classify(
    Card.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Card id."),
        "customer_id": (*_REF, "Pseudonymous customer id."),
        "key_id": (C.KEY_MATERIAL, P.PLAIN, "The card's own data key (owner: the customer)."),
        "brand": (*_REF, "visa, mastercard or amex."),
        "pan_ct": (*_CARD, "Card number (PAN), under the card's own key; never shown."),
        "expiry_ct": (*_CARD, "Expiry MM/YYYY, under the card's own key."),
        "token_ct": (*_CARD, "Provider token for recurring charges, under the card's key."),
        "masked_ct": (*_CARD, "First six and last four digits, under the customer's key."),
        "provider": (*_REF, "Payment processor that issued the token."),
        "status": (*_REF, "active or removed (removed: its key is destroyed)."),
        "created_at": (*_REF, "Saved."),
        "removed_at": (*_REF, "Removed."),
    },
)
classify(
    Payment.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Payment id."),
        "customer_id": (*_REF, "Pseudonymous customer id."),
        "kind": (*_REF, "checkout or recurring."),
        "order_id": (*_REF, "Order paid, if any."),
        "invoice_id": (*_REF, "Invoice paid, if any."),
        "card_id": (*_REF, "Saved card used, if any."),
        "brand": (*_REF, "Card brand."),
        "masked_ct": (*_CARD, "Masked card number, under the customer's key."),
        "amount_gross": (*_BILL, "Amount in grosze."),
        "currency": (*_REF, "PLN."),
        "status": (*_BILL, "approved, declined or failed (provider timeout)."),
        "provider": (*_REF, "Payment processor."),
        "provider_ref": (*_REF, "Provider's reference of the authorization."),
        "decline_code": (*_BILL, "Provider's decline reason code."),
        "attempt": (*_REF, "Attempt number for this invoice."),
        "created_at": (*_REF, "When."),
    },
)
classify(
    InvoiceCounter.__table__,  # type: ignore[arg-type]
    {"year": (*_REF, "Year."), "last_seq": (*_REF, "Last number issued in the year.")},
)
_BUYER = P.ENCRYPTED
classify(
    Invoice.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Invoice id."),
        "number": (*_REF, "Invoice number FV/YYYY/NNNNNN (no gaps within a year)."),
        "year": (*_REF, "Numbering year."),
        "seq": (*_REF, "Number within the year."),
        "customer_id": (*_REF, "Pseudonymous customer id."),
        "kind": (*_REF, "order or subscription."),
        "order_id": (*_REF, "Order invoiced, if any."),
        "subscription_id": (*_REF, "Subscription invoiced, if any."),
        "period": (*_REF, "Billing month YYYY-MM, for subscriptions."),
        "issued_at": (*_REF, "Issue date."),
        "due_date": (*_REF, "Payment due date."),
        "net_total": (*_BILL, "Net total in grosze."),
        "vat_total": (*_BILL, "VAT total in grosze."),
        "gross_total": (*_BILL, "Gross total in grosze."),
        "currency": (*_REF, "PLN."),
        "status": (*_BILL, "paid or unpaid."),
        "paid_at": (*_BILL, "When it was paid."),
        "charge_attempts": (*_BILL, "Card charge attempts made."),
        "next_charge_at": (*_REF, "When a failed charge is retried."),
        "buyer_name_ct": (C.IDENTITY, _BUYER, "Buyer name (copy, under the retention key)."),
        "buyer_street_ct": (C.ADDRESS, _BUYER, "Buyer street (copy, retention key)."),
        "buyer_postal_code_ct": (C.ADDRESS, _BUYER, "Buyer postal code (retention key)."),
        "buyer_city_ct": (C.ADDRESS, _BUYER, "Buyer city (copy, retention key)."),
        "seller_name": (*_REF, "Seller's name as at issue (the company, not a person)."),
        "seller_street": (*_REF, "Seller's street as at issue."),
        "seller_postal_code": (*_REF, "Seller's postal code as at issue."),
        "seller_city": (*_REF, "Seller's city as at issue."),
        "seller_nip": (*_REF, "Seller's NIP as at issue."),
        "retain_until": (*_REF, "End of the tax retention period (5 years after the year)."),
    },
)
classify(
    InvoiceLine.__table__,  # type: ignore[arg-type]
    {
        "invoice_id": (*_REF, "Invoice."),
        "position": (*_REF, "Line number."),
        "description": (*_REF, "Product name or service period."),
        "quantity": (*_REF, "Quantity."),
        "unit": (*_REF, "Unit of measure: szt. (a box) or usł. (a service period)."),
        "unit_gross": (*_REF, "Unit gross price in grosze."),
        "vat_rate_bp": (*_REF, "VAT rate in basis points."),
        "net": (*_BILL, "Line net in grosze."),
        "vat": (*_BILL, "Line VAT in grosze."),
        "gross": (*_BILL, "Line gross in grosze."),
    },
)
classify(
    BilledPeriod.__table__,  # type: ignore[arg-type]
    {
        "subscription_id": (*_REF, "Subscription."),
        "period": (*_REF, "Month YYYY-MM."),
        "invoice_id": (*_REF, "Its invoice."),
    },
)
