from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from imbplus.db import Base, UTCDateTime
from imbplus.privacy.catalog import Category as C
from imbplus.privacy.catalog import Protection as P
from imbplus.privacy.catalog import classify


class Processor(Base):
    """A company that processes personal data for IMB+ under a contract (P04)."""

    __tablename__ = "processors"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # carrier | payment | sms | mail
    contract_ref: Mapped[str] = mapped_column(String(100))
    # "category:purpose" pairs, one per line: what the contract lets it receive
    scope: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


_REF = (C.REFERENCE, P.PLAIN)
classify(
    Processor.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Processor id (slug)."),
        "name": (*_REF, "Company name of the processor."),
        "kind": (*_REF, "carrier, payment, sms or mail."),
        "contract_ref": (*_REF, "Reference of the data-processing contract."),
        "scope": (*_REF, "Category:purpose pairs the contract allows."),
        "valid_from": (*_REF, "Contract start."),
        "valid_until": (*_REF, "Contract end; nothing is handed over after it."),
        "created_at": (*_REF, "Registered."),
        "updated_at": (*_REF, "Last change."),
    },
)


class ProcessorCredential(Base):
    """A processor's own API credential (P04): only the token's SHA-256 is kept; its scope
    is a subset of the contract's, and it expires no later than the contract."""

    __tablename__ = "processor_credentials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    processor_id: Mapped[str] = mapped_column(ForeignKey("processors.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    scope: Mapped[str] = mapped_column(Text)  # "category:purpose" pairs, one per line
    contract_ref: Mapped[str] = mapped_column(String(100))
    issued_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


classify(
    ProcessorCredential.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Credential id."),
        "processor_id": (*_REF, "Processor the credential belongs to."),
        "token_hash": (
            C.REFERENCE,
            P.HASHED,
            "SHA-256 of a company's 256-bit random token (shown once, never stored).",
        ),
        "prefix": (*_REF, "First characters of the token, to recognise it."),
        "scope": (*_REF, "Category:purpose pairs it opens (within the contract's)."),
        "contract_ref": (*_REF, "Contract it was issued under."),
        "issued_by": (*_REF, "Actor label of who issued it."),
        "created_at": (*_REF, "Issued."),
        "expires_at": (*_REF, "Expiry: never after the contract's end."),
        "revoked_at": (*_REF, "Revoked (or cut by the contract's end)."),
        "last_used_at": (*_REF, "Last use (updated at most every five minutes)."),
    },
)
