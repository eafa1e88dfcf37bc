from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from imbplus.db import Base, UTCDateTime
from imbplus.privacy.catalog import Category as C
from imbplus.privacy.catalog import Protection as P
from imbplus.privacy.catalog import classify


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("data_keys.id"))
    name_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    email_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    street_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    postal_code_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    city_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    email_bidx: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    phone_bidx: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    status: Mapped[str] = mapped_column(String(16), default="active")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_customers_email_bidx", "email_bidx", unique=True),
        Index("ix_customers_phone_bidx", "phone_bidx"),
        Index("ix_customers_created", "created_at", "id"),
    )


class CustomerNameToken(Base):
    """One word of a customer's name as a keyed hash (blind index): staff find a customer by
    name without decrypting anyone's (`customers.names`)."""

    __tablename__ = "customer_name_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    token_bidx: Mapped[bytes] = mapped_column(LargeBinary(32))

    __table_args__ = (
        Index("ix_customer_name_tokens_bidx", "token_bidx"),
        Index("ix_customer_name_tokens_customer", "customer_id"),
    )


_REF = (C.REFERENCE, P.PLAIN)
_ENC = P.ENCRYPTED
classify(
    Customer.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Random customer id (pseudonymous)."),
        "key_id": (C.KEY_MATERIAL, P.PLAIN, "The customer's own data key."),
        "name_ct": (C.IDENTITY, _ENC, "Full name."),
        "email_ct": (C.CONTACT, _ENC, "E-mail address."),
        "phone_ct": (C.CONTACT, _ENC, "Phone number (E.164)."),
        "street_ct": (C.ADDRESS, _ENC, "Street and number."),
        "postal_code_ct": (C.ADDRESS, _ENC, "Postal code (NN-NNN)."),
        "city_ct": (C.ADDRESS, _ENC, "City."),
        "email_bidx": (C.CONTACT, P.BLIND_INDEX, "Keyed hash of the e-mail for exact lookup."),
        "phone_bidx": (C.CONTACT, P.BLIND_INDEX, "Keyed hash of the phone for exact lookup."),
        "status": (*_REF, "active, suspended or erased."),
        "version": (*_REF, "Changes counter."),
        "created_at": (*_REF, "Created."),
        "updated_at": (*_REF, "Last change."),
    },
)
classify(
    CustomerNameToken.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Row number."),
        "customer_id": (*_REF, "The customer whose name holds the word."),
        "token_bidx": (
            C.IDENTITY,
            P.BLIND_INDEX,
            "Keyed hash of one normalised word of the name, for look-up by name.",
        ),
    },
)
