from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
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
    not_exercised: Mapped[int | None] = mapped_column(Integer, nullable=True)
    report: Mapped[str] = mapped_column(Text)  # the exact JSON that was signed
    # The rendered HTML is kept in the row rather than as a file under the data dir: it is
    # then in the same transaction as the run and its audit record, in every backup and
    # restore with it, and under the same signature; a run is ~30 KB.
    html: Mapped[str | None] = mapped_column(Text, nullable=True)
    # HMAC-SHA256 (hex) under the audit signing key over the JSON and the HTML; None for
    # runs stored before B04 kept signatures, or when the key could not be read.
    signature: Mapped[str | None] = mapped_column(String(64), nullable=True)


classify_all(EvidenceRun.__table__, C.REFERENCE, P.PLAIN, "Evidence report run.")  # type: ignore[arg-type]
