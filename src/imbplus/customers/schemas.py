"""What enters and what leaves. Personal fields appear in a Read schema only after the gate."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from imbplus.customers import validation as v

Name = Annotated[str, Field(max_length=400), AfterValidator(lambda s: v.text(s, max_len=200))]
Email = Annotated[str, Field(max_length=320), AfterValidator(v.email)]
Phone = Annotated[str, Field(max_length=32), AfterValidator(v.phone)]
Street = Annotated[str, Field(max_length=400), AfterValidator(lambda s: v.text(s, max_len=200))]
PostalCode = Annotated[str, Field(max_length=16), AfterValidator(v.postal_code)]
City = Annotated[str, Field(max_length=200), AfterValidator(lambda s: v.text(s, max_len=100))]

STRICT = ConfigDict(strict=True, extra="forbid")


class AddressIn(BaseModel):
    model_config = STRICT
    street: Street
    postal_code: PostalCode
    city: City


class AddressPatch(BaseModel):
    model_config = STRICT
    street: Street | None = None
    postal_code: PostalCode | None = None
    city: City | None = None


class CustomerCreate(BaseModel):
    model_config = STRICT
    name: Name
    email: Email
    phone: Phone
    address: AddressIn


class CustomerUpdate(BaseModel):
    model_config = STRICT
    name: Name | None = None
    email: Email | None = None
    phone: Phone | None = None
    address: AddressPatch | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> CustomerUpdate:
        if not self.model_fields_set:
            raise ValueError("nothing to change")
        return self


class CustomerSearch(BaseModel):
    model_config = STRICT
    email: Email | None = None
    phone: Phone | None = None

    @model_validator(mode="after")
    def _one(self) -> CustomerSearch:
        if (self.email is None) == (self.phone is None):
            raise ValueError("give exactly one of email or phone")
        return self


class Address(BaseModel):
    street: str
    postal_code: str
    city: str


class CustomerRead(BaseModel):
    id: str
    name: str
    email: str
    phone: str
    address: Address
    status: str
    created_at: datetime
    updated_at: datetime


class CustomerListItem(BaseModel):
    id: str
    name: str = Field(description="masked")
    email: str = Field(description="masked")
    phone: str = Field(description="masked")
    status: str
    created_at: datetime


class CustomerPage(BaseModel):
    items: list[CustomerListItem]
    next_cursor: str | None
