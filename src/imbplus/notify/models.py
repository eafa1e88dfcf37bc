from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from imbplus.db import Base, UTCDateTime
from imbplus.privacy.catalog import Category as C
from imbplus.privacy.catalog import Protection as P
from imbplus.privacy.catalog import category_in_row, classify


class OutboxMessage(Base):
    """A message to send. Written in the transaction that caused it, so it is sent if and
    only if that change committed; the worker retries until it is delivered. The recipient
    and text are encrypted under the customer's key and dropped once sent."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(String(36))
    channel: Mapped[str] = mapped_column(String(8))  # email | sms
    purpose: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(32))
    reference: Mapped[str] = mapped_column(String(100))
    recipient_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    subject_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    body_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    # pending | sent | sandboxed (a sandbox adapter took it) | dropped | cancelled
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)


_REF = (C.REFERENCE, P.PLAIN)
_MSG = (C.SHIPMENT_CONTACT, P.ENCRYPTED)
classify(
    OutboxMessage.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Message id."),
        "customer_id": (*_REF, "Pseudonymous customer id (whose key encrypts it)."),
        "channel": (*_REF, "email or sms."),
        "purpose": (*_REF, "Purpose the contact data is used for."),
        "category": (*_REF, "Category of the contact data used."),
        "reference": (*_REF, "What it is about (e.g. shipment:<id>:delivered)."),
        "recipient_ct": (*_MSG, "E-mail address or phone number; dropped once sent."),
        "subject_ct": (*_MSG, "Subject; dropped once sent."),
        "body_ct": (*_MSG, "Text; dropped once sent."),
        "status": (
            *_REF,
            "pending, sent, sandboxed (a sandbox adapter took it: nothing left this "
            "machine), dropped or cancelled.",
        ),
        "attempts": (*_REF, "Delivery attempts so far."),
        "next_attempt_at": (*_REF, "Earliest next attempt (backoff)."),
        "last_error": (*_REF, "Kind of the last failure (never a value)."),
        "created_at": (*_REF, "Queued."),
        "sent_at": (*_REF, "Delivered to the processor (or taken by a sandbox)."),
    },
)
# a message holds the contact data its sender was allowed to use: the gate decides on the
# category the row names (contact for portal and survey mail, shipment_contact for notices)
category_in_row(OutboxMessage.__table__, "category")  # type: ignore[arg-type]
