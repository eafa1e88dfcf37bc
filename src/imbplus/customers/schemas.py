"""What enters and what leaves. Personal fields appear in a Read schema only after the gate."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from imbplus.customers import validation as v

# The patterns document the accepted input in the OpenAPI spec; the validators normalise.
_TEXT = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
_PHONE = (
    r"^(?:\+48 ?)?[1-9][0-9]{2}[ -]?[0-9]{3}[ -]?[0-9]{3}$"
    r"|^\+(?:[1-35-9][0-9]|4[0-79])[0-9]{5,13}$"
)


def _text(max_len: int) -> object:
    return Field(min_length=1, max_length=max_len, pattern=_TEXT)


Name = Annotated[str, _text(200), AfterValidator(lambda s: v.text(s, max_len=200))]
Email = Annotated[
    str, Field(max_length=254, json_schema_extra={"format": "email"}), AfterValidator(v.email)
]
Phone = Annotated[
    str, Field(max_length=32, json_schema_extra={"pattern": _PHONE}), AfterValidator(v.phone)
]
Street = Annotated[str, _text(200), AfterValidator(lambda s: v.text(s, max_len=200))]
PostalCode = Annotated[str, Field(pattern=r"^[0-9]{2}-[0-9]{3}$"), AfterValidator(v.postal_code)]
City = Annotated[str, _text(100), AfterValidator(lambda s: v.text(s, max_len=100))]

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


_UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
CustomerNumber = Annotated[str, Field(pattern=_UUID), AfterValidator(str.lower)]
SearchName = Annotated[
    str, _text(200), AfterValidator(lambda s: v.text(s, max_len=200)), AfterValidator(v.has_word)
]


class CustomerSearch(BaseModel):
    """Exactly one of: a name (every word must match), an e-mail, a phone number, a
    customer number (the id)."""

    model_config = STRICT
    email: Email | None = None
    phone: Phone | None = None
    name: SearchName | None = None
    id: CustomerNumber | None = None

    @model_validator(mode="after")
    def _one(self) -> CustomerSearch:
        given = [f for f in ("email", "phone", "name", "id") if getattr(self, f) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of name, email, phone or id")
        return self

    @classmethod
    def from_text(cls, text: str) -> CustomerSearch:
        """What a person typed into the one search box: an e-mail has an @, a customer
        number is an id, a phone number is digits (with +, spaces, dashes), else a name."""
        text = text.strip()
        if "@" in text:
            return cls(email=text)
        if _UUID_RE.match(text):
            return cls(id=text)
        if _PHONE_LIKE.match(text):
            return cls(phone=text)
        return cls(name=text)


_UUID_RE = re.compile(_UUID)
_PHONE_LIKE = re.compile(r"^\+?[0-9][0-9 ()-]{5,}$")


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


class KeptItem(BaseModel):
    category: str
    what: str
    legal_basis: str
    until: date | None


class ErasureAnswer(BaseModel):
    customer_id: str
    erased: list[str] = Field(description="domains whose data about the person is gone")
    kept: list[KeptItem] = Field(description="what the law makes us keep, and until when")
