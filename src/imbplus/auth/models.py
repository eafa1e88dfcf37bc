"""Server-side web sessions and login-failure counters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from imbplus.db import Base, UTCDateTime
from imbplus.privacy.catalog import Category as C
from imbplus.privacy.catalog import Protection as P
from imbplus.privacy.catalog import classify


class WebSession(Base):
    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # staff | customer
    principal_id: Mapped[str] = mapped_column(String(64), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str | None] = mapped_column(String(32))
    mfa_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginFailure(Base):
    """One failed login; `key_hash` is a keyed hash of the account name or client address."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    ts_us: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (Index("ix_login_failures_key_ts", "key_hash", "ts_us"),)


_SEC = (C.ACCOUNT_CREDENTIALS, P.HASHED)
_REF = (C.REFERENCE, P.PLAIN)
classify(
    WebSession.__table__,  # type: ignore[arg-type]
    {
        "id_hash": (*_SEC, "SHA-256 of the session cookie; the cookie itself is not stored."),
        "kind": (*_REF, "staff or customer."),
        "principal_id": (*_REF, "Staff id or customer id."),
        "csrf_token": (C.ACCOUNT_CREDENTIALS, P.PLAIN, "Per-session anti-forgery token."),
        "purpose": (*_REF, "Purpose chosen in the console."),
        "mfa_pending": (*_REF, "Password accepted, second factor still due."),
        "created_at": (*_REF, "Login time."),
        "last_seen_at": (*_REF, "Last request (idle timeout)."),
        "expires_at": (*_REF, "Absolute expiry."),
        "revoked_at": (*_REF, "Logout time."),
    },
)
classify(
    LoginFailure.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Row id."),
        "key_hash": (C.WEB_REQUEST_LOG, P.BLIND_INDEX, "Keyed hash of account or address."),
        "ts_us": (*_REF, "When."),
    },
)
