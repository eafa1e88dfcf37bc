"""Shipment schemas. Recipient values appear in a Read schema only after the gate."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, model_validator

from imbplus.customers import validation as v
from imbplus.customers.schemas import (
    STRICT,
    AddressIn,
    City,
    Email,
    Name,
    Phone,
    PostalCode,
    Street,
)

Status = Literal["created", "handed_over", "in_transit", "delivered", "returned", "lost"]
Note = Annotated[
    str,
    Field(
        min_length=1,
        max_length=500,
        pattern=r"^[^\x00-\x08\x0b-\x1f\x7f]*\S[^\x00-\x08\x0b-\x1f\x7f]*$",
    ),
    AfterValidator(lambda s: v.text(s.replace("\n", " "), max_len=500)),
]


class Recipient(BaseModel):
    model_config = STRICT
    name: Name
    street: Street
    postal_code: PostalCode
    city: City
    phone: Phone
    email: Email

    def __repr__(self) -> str:
        return "Recipient(***)"


class StatusChange(BaseModel):
    model_config = STRICT
    status: Status


class AmendmentCreate(BaseModel):
    """A correction of a kind the Customer Agreement allows (setting
    `shipment_amendment_kinds`): `name` for recipient_name_correction, `address` for
    address_correction, `note` for the others."""

    model_config = STRICT
    kind: str = Field(min_length=1, max_length=32, pattern=r"^[a-z][a-z_]{0,31}$")
    reason: Note
    name: Name | None = None
    address: AddressIn | None = None
    note: Note | None = None

    @model_validator(mode="after")
    def _one_value(self) -> AmendmentCreate:
        given = [f for f in ("name", "address", "note") if getattr(self, f) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of name, address or note")
        return self


class AddressRead(BaseModel):
    street: str
    postal_code: str
    city: str


class RecipientRead(BaseModel):
    name: str
    address: AddressRead


class ParcelToDeliver(BaseModel):
    """A parcel in a carrier's feed: the least a delivery needs (P04, P10)."""

    shipment_id: str
    parcel_id: str
    status: str
    recipient: RecipientRead


class ContactRead(BaseModel):
    phone: str
    email: str


class EventRead(BaseModel):
    status: str
    at: datetime
    actor: str


class AmendmentRead(BaseModel):
    id: str
    kind: str
    reason: str
    name: str | None = None
    address: AddressRead | None = None
    note: str | None = None
    author: str
    at: datetime


class ShipmentSummary(BaseModel):
    id: str
    parcel_id: str
    order_id: str
    customer_id: str
    carrier: str
    item: str
    status: str
    created_at: datetime
    updated_at: datetime
    sealed_at: datetime | None


class ShipmentRead(ShipmentSummary):
    """`recipient` and `contact` as recorded (the original, never overwritten);
    `effective_recipient` with the amendments applied in order."""

    recipient: RecipientRead
    contact: ContactRead | None = Field(description="null once the customer was erased")
    effective_recipient: RecipientRead
    events: list[EventRead]
    amendments: list[AmendmentRead]
    content_hash: str | None
    retain_until: datetime | None


class SealCheck(BaseModel):
    shipment_id: str
    sealed: bool
    hash_ok: bool
    fields: dict[str, str] = Field(description="per personal field: ok, changed or erased")
