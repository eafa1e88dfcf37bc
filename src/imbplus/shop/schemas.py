"""Shop schemas: the catalogue, orders (strict input), what an order shows."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from imbplus.billing.periods import next_month_start
from imbplus.billing.schemas import CardIn
from imbplus.clock import local_day
from imbplus.customers.schemas import STRICT
from imbplus.ids import UUID
from imbplus.shipping.schemas import Recipient

PRODUCT_ID = r"^[a-z0-9][a-z0-9-]{0,63}$"


class ProductRead(BaseModel):
    id: str
    kind: str = Field(description="stb (one-off price) or package (monthly price)")
    name: str
    description: str
    price_gross: int = Field(description="grosze, VAT included")
    vat_rate_bp: int = Field(description="basis points: 2300 = 23%")
    active: bool


class OrderLineIn(BaseModel):
    model_config = STRICT
    product_id: str = Field(min_length=1, max_length=64, pattern=PRODUCT_ID)
    quantity: int = Field(ge=1, le=10)


class OrderCreate(BaseModel):
    """Pay with a new `card` (its CVV is used once) or a saved `card_id`. Without a
    `recipient` the box goes to the customer's own name and address."""

    model_config = STRICT
    customer_id: str = Field(pattern=UUID)
    lines: list[OrderLineIn] = Field(min_length=1, max_length=20)
    card: CardIn | None = None
    card_id: str | None = Field(default=None, pattern=UUID)
    recipient: Recipient | None = None

    @model_validator(mode="after")
    def _one_payment(self) -> OrderCreate:
        if (self.card is None) == (self.card_id is None):
            raise ValueError("give exactly one of card or card_id")
        return self


class OrderLineRead(BaseModel):
    position: int
    product_id: str
    kind: str
    name: str
    quantity: int
    unit_gross: int
    vat_rate_bp: int


class OrderPayment(BaseModel):
    status: str
    brand: str
    masked: str | None
    amount_gross: int


class OrderCharge(BaseModel):
    """A line of the order's invoice: what the order charged for, e.g. a package's first
    period, prorated by days."""

    description: str
    quantity: int
    gross: int


class OrderInvoice(BaseModel):
    id: str
    number: str
    charges: list[OrderCharge] = Field(default_factory=list)


class OrderShipment(BaseModel):
    id: str
    parcel_id: str
    status: str


class SubscriptionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    customer_id: str
    product_id: str
    order_id: str
    shipment_id: str | None
    card_id: str | None
    status: str
    monthly_gross: int
    started_at: datetime

    @computed_field(description="first day of the first whole month, billed monthly")  # type: ignore[prop-decorator]
    @property
    def full_months_from(self) -> date:
        return next_month_start(local_day(self.started_at))


class OrderRead(BaseModel):
    id: str
    customer_id: str
    status: str
    fulfilment: str = Field(description="paid, shipped or completed (from the shipments)")
    total_gross: int
    currency: str
    created_at: datetime
    lines: list[OrderLineRead]
    payment: OrderPayment | None
    invoice: OrderInvoice | None
    shipments: list[OrderShipment]
    subscriptions: list[SubscriptionRead]
    replayed: bool = Field(
        default=False, description="true when an earlier request with this key made it"
    )


class OrderSummary(BaseModel):
    """An order in a staff list: no personal values, only the customer's id."""

    model_config = ConfigDict(from_attributes=True)
    id: str
    customer_id: str
    status: str
    placed_by: str
    total_gross: int
    currency: str
    created_at: datetime
