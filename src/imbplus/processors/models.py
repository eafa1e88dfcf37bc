from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
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
