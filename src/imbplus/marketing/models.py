"""Campaigns, who each one was queued for, and objections to direct marketing (P03, B01)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from imbplus.db import Base, UTCDateTime
from imbplus.privacy.catalog import Category as C
from imbplus.privacy.catalog import Protection as P
from imbplus.privacy.catalog import classify


class Campaign(Base):
    """An offer of another service, written by the marketing role: draft, approved by a
    second person, then sent once by the send job. Its audience is a filter on attributes
    that are not contact data; the marketing role only ever sees how many match."""

    __tablename__ = "marketing_campaigns"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    subject_pl: Mapped[str] = mapped_column(String(150))
    body_pl: Mapped[str] = mapped_column(Text)
    subject_en: Mapped[str] = mapped_column(String(150))
    body_en: Mapped[str] = mapped_column(Text)
    audience: Mapped[str] = mapped_column(String(500))  # JSON of the filter
    status: Mapped[str] = mapped_column(String(16))  # draft | approved | sent
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    approved_by: Mapped[str | None] = mapped_column(String(100))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    queued: Mapped[int] = mapped_column(Integer, default=0)
    excluded: Mapped[int] = mapped_column(Integer, default=0)


class CampaignRecipient(Base):
    """One customer a campaign was queued for: at most once (the key), so sending again
    never reaches the same person twice."""

    __tablename__ = "marketing_recipients"

    campaign_id: Mapped[str] = mapped_column(
        ForeignKey("marketing_campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    customer_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_marketing_recipients_customer", "customer_id"),)


class Objection(Base):
    """An objection to direct marketing (GDPR art. 21(2)-(3)): absolute, and it never
    expires. A customer may withdraw their own in the portal; a new one is a new row."""

    __tablename__ = "marketing_objections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(String(36))
    objected_at: Mapped[datetime] = mapped_column(UTCDateTime)
    channel: Mapped[str] = mapped_column(String(32))  # portal | link | request:<channel>
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_marketing_objections_customer", "customer_id", "withdrawn_at"),)


_REF = (C.REFERENCE, P.PLAIN)
classify(
    Campaign.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Random campaign id."),
        "name": (*_REF, "Name given by staff."),
        "subject_pl": (*_REF, "Subject in Polish, written by staff."),
        "body_pl": (*_REF, "Text in Polish (plain text), written by staff."),
        "subject_en": (*_REF, "Subject in English, written by staff."),
        "body_en": (*_REF, "Text in English (plain text), written by staff."),
        "audience": (*_REF, "Filter on package, box, voivodeship and tenure (no person)."),
        "status": (*_REF, "draft, approved or sent."),
        "created_by": (*_REF, "Author (actor label)."),
        "created_at": (*_REF, "Written."),
        "approved_by": (*_REF, "Approver (actor label), not the author."),
        "approved_at": (*_REF, "Approved."),
        "sent_at": (*_REF, "Queued for its audience."),
        "queued": (*_REF, "Messages queued."),
        "excluded": (*_REF, "Matching customers left out because they objected."),
    },
)
classify(
    CampaignRecipient.__table__,  # type: ignore[arg-type]
    {
        "campaign_id": (*_REF, "Campaign."),
        "customer_id": (*_REF, "Customer it was queued for (pseudonymous id)."),
        "queued_at": (*_REF, "Queued."),
    },
)
classify(
    Objection.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Objection id."),
        "customer_id": (*_REF, "Customer who objected (pseudonymous id)."),
        "objected_at": (*_REF, "When (it never expires)."),
        "channel": (*_REF, "portal, link (in a message) or request:<channel> (B01)."),
        "withdrawn_at": (*_REF, "When the customer withdrew it themselves, if ever."),
    },
)
