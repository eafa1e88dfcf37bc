"""Billing schemas. Card input holds the number and CVV as secrets (masked in any repr);
outputs carry only the masked number."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, SecretStr

from imbplus.billing import cardcheck
from imbplus.customers.schemas import STRICT


def _number(value: SecretStr) -> SecretStr:
    if len(value.get_secret_value()) > 23:
        raise ValueError("a card number has at most 19 digits")
    cardcheck.check_number(value.get_secret_value())
    return value


def _cvv(value: SecretStr) -> SecretStr:
    code = value.get_secret_value()
    if not (code.isdigit() and code.isascii() and 3 <= len(code) <= 4):
        raise ValueError("the security code has 3 or 4 digits")
    return value


CardNumber = Annotated[
    SecretStr,
    Field(
        json_schema_extra={
            "pattern": r"^[0-9][0-9 -]{10,21}[0-9]$",
            "minLength": 12,
            "maxLength": 23,
        },
        description="Card number (PAN); spaces and dashes are ignored. Never returned.",
    ),
    AfterValidator(_number),
]
Cvv = Annotated[
    SecretStr,
    Field(
        json_schema_extra={"pattern": r"^[0-9]{3,4}$", "minLength": 3, "maxLength": 4},
        description="Security code; used for this authorization only, never stored.",
    ),
    AfterValidator(_cvv),
]


class CardIn(BaseModel):
    model_config = STRICT
    number: CardNumber
    exp_month: int = Field(ge=1, le=12)
    exp_year: int = Field(ge=2000, le=2100)
    cvv: Cvv
    save: bool = Field(
        default=False, description="Keep the card (as a provider token) for monthly charges."
    )


class CardRead(BaseModel):
    id: str
    brand: str
    masked: str = Field(description="first six and last four digits")
    status: str
    created_at: datetime


class PaymentRead(BaseModel):
    id: str
    kind: str
    status: str
    amount_gross: int
    currency: str
    brand: str
    masked: str | None
    decline_code: str | None
    attempt: int
    created_at: datetime


class InvoiceLineRead(BaseModel):
    position: int
    description: str
    quantity: int
    unit: str = Field(description="unit of measure: szt. or usł.")
    unit_net: int = Field(description="net unit price in grosze (from the gross price)")
    unit_gross: int
    vat_rate_bp: int
    net: int
    vat: int
    gross: int


class Buyer(BaseModel):
    name: str
    street: str
    postal_code: str
    city: str
    nip: str | None = Field(
        default=None, description="the buyer's NIP, where given (customers give none yet)"
    )


class Seller(BaseModel):
    name: str
    street: str
    postal_code: str
    city: str
    nip: str


class VatRateTotal(BaseModel):
    vat_rate_bp: int
    net: int
    vat: int
    gross: int


class InvoiceSummary(BaseModel):
    id: str
    number: str
    customer_id: str
    kind: str
    period: str | None
    issued_at: datetime
    due_date: date
    gross_total: int
    currency: str
    status: str
    charge_attempts: int
    next_charge_at: datetime | None


class InvoiceRead(InvoiceSummary):
    order_id: str | None
    subscription_id: str | None
    net_total: int
    vat_total: int
    paid_at: datetime | None
    seller: Seller
    buyer: Buyer
    lines: list[InvoiceLineRead]
    vat_rates: list[VatRateTotal] = Field(description="net, VAT and gross per VAT rate")
    amount_paid: int = Field(description="grosze paid")
    amount_due: int = Field(description="grosze still to pay")
    payments: list[PaymentRead]
    retain_until: date


class CreditReason(BaseModel):
    code: str
    met: bool
    detail: str


class CreditDecision(BaseModel):
    customer_id: str
    eligible: bool
    decided_at: datetime
    reasons: list[CreditReason]


class KeptRecord(BaseModel):
    kind: str = Field(description="data category kept")
    what: str
    kept_until: date | None
    legal_basis: str


class ErasureAnswer(BaseModel):
    customer_id: str
    erased: list[str]
    kept: list[KeptRecord]
