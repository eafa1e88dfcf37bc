"""What enters and leaves the devices API. Hashes of STB secrets never appear in a Read."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from imbplus.auth import passwords
from imbplus.customers.schemas import Address, AddressIn
from imbplus.devices import validation as v

STRICT = ConfigDict(strict=True, extra="forbid")
Status = Literal["in_stock", "shipped", "active", "suspended", "returned", "retired"]

Serial = Annotated[
    str,
    Field(min_length=12, max_length=20, pattern=r"^\s*[A-Za-z]{3}[0-9A-Za-z]{9,13}\s*$"),
    AfterValidator(v.serial),
]
Mac = Annotated[
    str,
    Field(min_length=12, max_length=17, pattern=r"^\s*[0-9A-Fa-f]{2}([:.-]?[0-9A-Fa-f]{2}){5}\s*$"),
    AfterValidator(v.mac),
]
Model = Annotated[
    str, Field(min_length=2, max_length=32, pattern=v.MODEL.pattern), AfterValidator(v.model)
]
Firmware = Annotated[
    str, Field(min_length=3, max_length=32, pattern=v.FIRMWARE.pattern), AfterValidator(v.firmware)
]


def _password(value: str) -> str:
    weak = passwords.check_password_strength(value)
    if weak:
        raise ValueError(weak)
    return value


Pin = Annotated[
    str, Field(min_length=4, max_length=8, pattern=r"^[0-9]{4,8}$"), AfterValidator(v.pin)
]
BoxPassword = Annotated[str, Field(min_length=12, max_length=256), AfterValidator(_password)]


class DeviceCreate(BaseModel):
    model_config = STRICT
    serial: Serial
    mac: Mac
    model: Model
    firmware: Firmware


class DeviceUpdate(BaseModel):
    model_config = STRICT
    firmware: Firmware | None = None
    status: Status | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> DeviceUpdate:
        if not self.model_fields_set:
            raise ValueError("nothing to change")
        return self


class DeviceAssign(BaseModel):
    model_config = STRICT
    customer_id: str = Field(min_length=36, max_length=36)
    install_address: AddressIn


class DeviceLookup(BaseModel):
    model_config = STRICT
    serial: Serial | None = None
    mac: Mac | None = None

    @model_validator(mode="after")
    def _one(self) -> DeviceLookup:
        if (self.serial is None) == (self.mac is None):
            raise ValueError("give exactly one of serial or mac")
        return self


class DeviceListItem(BaseModel):
    id: str
    serial: str
    mac: str
    model: str
    firmware: str
    status: str
    customer_id: str | None
    region: str | None
    last_seen_at: datetime | None


class DeviceRead(DeviceListItem):
    install_address: Address | None
    last_ip: str | None
    created_at: datetime
    updated_at: datetime


class DevicePage(BaseModel):
    items: list[DeviceListItem]
    next_cursor: str | None


class AssignmentRead(BaseModel):
    customer_id: str
    started_at: datetime
    ended_at: datetime | None


class TokenIssued(BaseModel):
    device_id: str
    token: str = Field(description="Shown once; only its hash is stored.")
    prefix: str


class StbCredentialsSet(BaseModel):
    model_config = STRICT
    pin: Pin | None = None
    password: BoxPassword | None = None

    @model_validator(mode="after")
    def _some(self) -> StbCredentialsSet:
        if self.pin is None and self.password is None:
            raise ValueError("give a pin, a password or both")
        return self


class StbCredentialsStatus(BaseModel):
    pin_set: bool
    password_set: bool
    updated_at: datetime | None


class Provisioning(BaseModel):
    """What a box needs to check the customer's PIN and password locally (P14)."""

    device_id: str
    status: str
    hash_algorithm: Literal["argon2id"] = "argon2id"
    pin_hash: str | None = Field(description="argon2id PHC string of the parental PIN")
    password_hash: str | None = Field(description="argon2id PHC string of the box password")
    credentials_version: int
