"""Security incidents and personal-data breaches (B05)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from imbplus.db import Base, UTCDateTime
from imbplus.privacy.catalog import Category as C
from imbplus.privacy.catalog import Protection as P
from imbplus.privacy.catalog import classify_all


class Incident(Base):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))  # mass_read | denial_burst | audit_broken | ...
    fingerprint: Mapped[str] = mapped_column(String(128), unique=True)
    summary: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16))  # open | assessing | notified | closed
    severity: Mapped[str] = mapped_column(String(16))  # low | high
    subjects_affected: Mapped[int] = mapped_column(Integer, default=0)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime)
    notify_by: Mapped[datetime] = mapped_column(UTCDateTime)
    authority_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notes: Mapped[str] = mapped_column(Text, default="")


classify_all(
    Incident.__table__,  # type: ignore[arg-type]
    C.AUDIT_RECORD,
    P.PLAIN,
    "Incident record; names actors and counts, never personal values.",
)
