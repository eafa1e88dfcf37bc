"""Data-subject requests and their one-month clock (B01)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from imbplus.db import Base, UTCDateTime
from imbplus.privacy.catalog import Category as C
from imbplus.privacy.catalog import Protection as P
from imbplus.privacy.catalog import classify_all


class SubjectRequest(Base):
    __tablename__ = "subject_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(
        String(16)
    )  # access|rectification|erasure|objection|portability
    channel: Mapped[str] = mapped_column(String(16))  # portal | email | post | phone
    status: Mapped[str] = mapped_column(String(16))  # received | done | refused
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(500), default="")


classify_all(
    SubjectRequest.__table__,  # type: ignore[arg-type]
    C.REFERENCE,
    P.PLAIN,
    "Data-subject request bookkeeping (ids, kinds, dates); no personal values.",
)
