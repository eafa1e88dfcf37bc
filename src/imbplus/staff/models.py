from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from imbplus.db import Base, UTCDateTime
from imbplus.privacy.catalog import Category as C
from imbplus.privacy.catalog import Protection as P
from imbplus.privacy.catalog import classify


class Staff(Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    totp_secret_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    # a new secret shown for enrolment, until a code from it confirms it
    totp_pending_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    roles: Mapped[list[StaffRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="StaffRole.role"
    )

    @property
    def role_names(self) -> list[str]:
        return [r.role for r in self.roles]


class StaffRole(Base):
    __tablename__ = "staff_roles"

    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class RecoveryCode(Base):
    """A one-time code that stands in for a TOTP code at login (lost phone); only its
    argon2id hash is stored."""

    __tablename__ = "staff_recovery_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiToken(Base):
    """A staff API token; only its SHA-256 is stored (tokens are 256-bit random)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


_REF = (C.REFERENCE, P.PLAIN)
_ACC = (C.STAFF_ACCOUNT, P.PLAIN)
classify(
    Staff.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Staff id (audit records name this, not the person)."),
        "username": (*_ACC, "Login name of the employee."),
        "display_name": (*_ACC, "Employee name; shown to the DPO, never to customers (B02)."),
        "password_hash": (C.ACCOUNT_CREDENTIALS, P.HASHED, "argon2id hash."),
        "totp_secret_ct": (C.ACCOUNT_CREDENTIALS, P.ENCRYPTED, "TOTP secret (system key)."),
        "totp_pending_ct": (
            C.ACCOUNT_CREDENTIALS,
            P.ENCRYPTED,
            "New TOTP secret awaiting its first code (system key).",
        ),
        "totp_enabled": (*_REF, "Second factor required at login."),
        "totp_last_step": (*_REF, "Last accepted TOTP time step (no code reuse)."),
        "active": (*_REF, "Disabled accounts cannot log in or use tokens."),
        "created_at": (*_REF, "Created."),
    },
)
classify(
    StaffRole.__table__,  # type: ignore[arg-type]
    {"staff_id": (*_REF, "Staff id."), "role": (*_ACC, "Role granted.")},
)
classify(
    RecoveryCode.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Code id."),
        "staff_id": (*_REF, "Owner."),
        "code_hash": (C.ACCOUNT_CREDENTIALS, P.HASHED, "argon2id hash of the recovery code."),
        "created_at": (*_REF, "Issued."),
        "used_at": (*_REF, "Used (each code works once)."),
    },
)
classify(
    ApiToken.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Token id."),
        "staff_id": (*_REF, "Owner."),
        "token_hash": (C.ACCOUNT_CREDENTIALS, P.HASHED, "SHA-256 of the token."),
        "prefix": (*_REF, "First characters, to tell tokens apart."),
        "created_at": (*_REF, "Issued."),
        "expires_at": (*_REF, "Expiry."),
        "revoked_at": (*_REF, "Revoked."),
        "last_used_at": (*_REF, "Last use."),
    },
)
