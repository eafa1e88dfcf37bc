from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from imbplus.db import Base, UTCDateTime
from imbplus.privacy.catalog import Category as C
from imbplus.privacy.catalog import Protection as P
from imbplus.privacy.catalog import classify

STATUSES = ("in_stock", "shipped", "active", "suspended", "returned", "retired")
REFUSED_STATUSES = frozenset({"suspended", "returned", "retired"})


class Device(Base):
    """One set-top box. Personal fields are encrypted under the assigned customer's key."""

    __tablename__ = "devices"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    serial: Mapped[str] = mapped_column(String(20), unique=True)
    mac: Mapped[str] = mapped_column(String(17), unique=True)
    model: Mapped[str] = mapped_column(String(32))
    firmware: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="in_stock")
    customer_id: Mapped[str | None] = mapped_column(ForeignKey("customers.id"), index=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("data_keys.id"))
    install_address_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    region: Mapped[str | None] = mapped_column(String(32))
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_ip_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DeviceAssignment(Base):
    """Who had the box when (P02). The pseudonym secret links telemetry to this period; it is
    encrypted under the customer's key, so erasing the customer unlinks the activity."""

    __tablename__ = "device_assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"))
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pseudonym_secret_ct: Mapped[bytes | None] = mapped_column(LargeBinary)

    __table_args__ = (Index("ix_device_assignments_device", "device_id", "started_at"),)


class DeviceToken(Base):
    """A box's telemetry token; only its SHA-256 is stored (256-bit random tokens)."""

    __tablename__ = "device_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StbCredentials(Base):
    """The customer's STB settings password and parental PIN (P14): argon2id hashes only."""

    __tablename__ = "stb_credentials"

    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    pin_hash: Mapped[str | None] = mapped_column(String(255))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


_REF = (C.REFERENCE, P.PLAIN)
_DEV = (C.STB_DEVICE, P.PLAIN)
classify(
    Device.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Random device id."),
        "serial": (*_DEV, "Manufacturer serial number."),
        "mac": (*_DEV, "MAC address of the box."),
        "model": (*_DEV, "Hardware model."),
        "firmware": (*_DEV, "Firmware version last reported or set."),
        "status": (*_REF, "in_stock, shipped, active, suspended, returned, retired."),
        "customer_id": (*_REF, "Customer the box is assigned to (pseudonymous id)."),
        "key_id": (C.KEY_MATERIAL, P.PLAIN, "Key of the encrypted fields (the customer's)."),
        "install_address_ct": (C.ADDRESS, P.ENCRYPTED, "Install address (JSON)."),
        "region": (*_DEV, "Coarse region (postal district) of the install address."),
        "last_seen_at": (*_DEV, "Last telemetry batch received."),
        "last_ip_ct": (C.STB_DEVICE, P.ENCRYPTED, "Address the last batch came from (P21)."),
        "version": (*_REF, "Changes counter."),
        "created_at": (*_REF, "Registered."),
        "updated_at": (*_REF, "Last change."),
    },
)
classify(
    DeviceAssignment.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Assignment id."),
        "device_id": (*_REF, "Device."),
        "customer_id": (*_REF, "Customer."),
        "started_at": (*_REF, "Assigned from."),
        "ended_at": (*_REF, "Assigned until."),
        "pseudonym_secret_ct": (
            C.STB_ACTIVITY,
            P.ENCRYPTED,
            "Secret of the telemetry pseudonym for this period (customer's key).",
        ),
    },
)
classify(
    DeviceToken.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Token id."),
        "device_id": (*_REF, "Device."),
        "token_hash": (C.ACCOUNT_CREDENTIALS, P.HASHED, "SHA-256 of the device token."),
        "prefix": (*_REF, "First characters, to tell tokens apart."),
        "created_at": (*_REF, "Issued."),
        "revoked_at": (*_REF, "Revoked (rotation or by staff)."),
    },
)
classify(
    StbCredentials.__table__,  # type: ignore[arg-type]
    {
        "customer_id": (*_REF, "Customer."),
        "pin_hash": (C.ACCOUNT_CREDENTIALS, P.HASHED, "argon2id hash of the parental PIN."),
        "password_hash": (C.ACCOUNT_CREDENTIALS, P.HASHED, "argon2id hash of the box password."),
        "version": (*_REF, "Changes counter (the box re-provisions when it moves)."),
        "updated_at": (*_REF, "Last change."),
    },
)
