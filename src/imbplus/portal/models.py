from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from imbplus.db import Base, UTCDateTime
from imbplus.privacy.catalog import Category as C
from imbplus.privacy.catalog import Protection as P
from imbplus.privacy.catalog import classify


class CustomerAccount(Base):
    """A subscriber's portal login. The login name is the customer's e-mail (blind index)."""

    __tablename__ = "customer_accounts"

    customer_id: Mapped[str] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


_REF = (C.REFERENCE, P.PLAIN)
classify(
    CustomerAccount.__table__,  # type: ignore[arg-type]
    {
        "customer_id": (*_REF, "Customer id."),
        "password_hash": (C.ACCOUNT_CREDENTIALS, P.HASHED, "argon2id hash of the password."),
        "active": (*_REF, "Disabled accounts cannot log in."),
        "created_at": (*_REF, "Account opened."),
        "password_changed_at": (*_REF, "Last password change."),
        "last_login_at": (*_REF, "Last successful login."),
    },
)
