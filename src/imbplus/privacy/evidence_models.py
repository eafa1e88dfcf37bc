from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from imbplus.db import Base, UTCDateTime
from imbplus.privacy.catalog import Category as C
from imbplus.privacy.catalog import Protection as P
from imbplus.privacy.catalog import classify_all


class EvidenceRun(Base):
    """One run of the evidence checks (B04); the report holds figures, never personal data."""

    __tablename__ = "evidence_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    passed: Mapped[int] = mapped_column(Integer)
    failed: Mapped[int] = mapped_column(Integer)
    report: Mapped[str] = mapped_column(Text)


classify_all(EvidenceRun.__table__, C.REFERENCE, P.PLAIN, "Evidence report run.")  # type: ignore[arg-type]
