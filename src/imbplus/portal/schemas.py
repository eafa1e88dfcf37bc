"""Portal forms as strict models; errors name the field, never echo the value."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, ValidationInfo, field_validator

from imbplus.auth import passwords
from imbplus.customers.schemas import (
    STRICT,
    AddressIn,
    City,
    CustomerCreate,
    Email,
    Name,
    Phone,
    PostalCode,
    Street,
)


def _strong(password: str) -> str:
    reason = passwords.check_password_strength(password)
    if reason:
        raise ValueError(reason)
    return password


Password = Annotated[str, Field(max_length=256), AfterValidator(_strong)]


class ContactForm(BaseModel):
    """Name, contact data and address as typed in a portal form."""

    model_config = STRICT
    name: Name
    email: Email
    phone: Phone
    street: Street
    postal_code: PostalCode
    city: City

    def as_customer(self) -> CustomerCreate:
        return CustomerCreate(
            name=self.name,
            email=self.email,
            phone=self.phone,
            address=AddressIn(street=self.street, postal_code=self.postal_code, city=self.city),
        )


class DetailsForm(BaseModel):
    """Name, phone and address as changed on the account page (the e-mail address changes
    through its own confirmed step)."""

    model_config = STRICT
    name: Name
    phone: Phone
    street: Street
    postal_code: PostalCode
    city: City


class NewEmailForm(BaseModel):
    model_config = STRICT
    email: Email


def _repeated(value: str, info: ValidationInfo) -> str:
    if "password" in info.data and value != info.data["password"]:
        raise ValueError("the two passwords differ")
    return value


class NewPassword(BaseModel):
    model_config = STRICT
    password: Password
    password2: str = Field(max_length=256)

    _same = field_validator("password2")(_repeated)


class RegistrationForm(ContactForm):
    password: Password
    password2: str = Field(max_length=256)

    _same = field_validator("password2")(_repeated)
