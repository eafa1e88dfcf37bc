from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, LargeBinary, String
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
    # None until the subscriber proved the e-mail address is theirs (registration link)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PortalToken(Base):
    """A one-time link sent by e-mail (confirm a registration, set a new password, confirm
    a new e-mail address).

    Only the SHA-256 of the random token is stored; it expires and works once."""

    __tablename__ = "portal_tokens"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(16))  # confirm | reset | email
    # the new address an `email` link confirms, under the customer's own key
    new_email_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_portal_tokens_customer", "customer_id", "kind"),)


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
        "confirmed_at": (*_REF, "E-mail address confirmed (login allowed from then on)."),
    },
)
classify(
    PortalToken.__table__,  # type: ignore[arg-type]
    {
        "id_hash": (C.ACCOUNT_CREDENTIALS, P.HASHED, "SHA-256 of the one-time token."),
        "customer_id": (*_REF, "Customer id."),
        "kind": (*_REF, "confirm, reset or email."),
        "new_email_ct": (
            C.CONTACT,
            P.ENCRYPTED,
            "The new e-mail address a change link confirms (customer's key).",
        ),
        "created_at": (*_REF, "Sent."),
        "expires_at": (*_REF, "Stops working."),
        "used_at": (*_REF, "Used or withdrawn (single use)."),
    },
)
