"""Tables of retention: deletion receipts and legal holds (P13)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from imbplus.db import Base, UTCDateTime
from imbplus.privacy.catalog import Category as C
from imbplus.privacy.catalog import Protection as P
from imbplus.privacy.catalog import classify_all


class DeletionReceipt(Base):
    """Proof that a retention rule ran: what category, up to which cutoff, how many records."""

    __tablename__ = "deletion_receipts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    rule: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(32))
    cutoff: Mapped[datetime] = mapped_column(UTCDateTime)
    count: Mapped[int] = mapped_column(BigInteger)
    legal_basis: Mapped[str] = mapped_column(String(255))
    ran_at: Mapped[datetime] = mapped_column(UTCDateTime)
    request_id: Mapped[str] = mapped_column(String(64))


class LegalHold(Base):
    """Data about this subject is not purged while the hold is active (litigation, authority)."""

    __tablename__ = "legal_holds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subject_id: Mapped[str] = mapped_column(String(64), index=True)
    reason: Mapped[str] = mapped_column(String(255))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


_RECEIPT = "Retention receipt; no personal values."
_HOLD = "Legal hold; the reason is not personal data."
classify_all(DeletionReceipt.__table__, C.REFERENCE, P.PLAIN, _RECEIPT)  # type: ignore[arg-type]
classify_all(LegalHold.__table__, C.REFERENCE, P.PLAIN, _HOLD)  # type: ignore[arg-type]
