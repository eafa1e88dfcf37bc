"""Tables of the public site: policy versions, cookie consents, privacy questions, feedback
and anonymous visit counters."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from imbplus.db import Base, UTCDateTime
from imbplus.privacy.catalog import Category as C
from imbplus.privacy.catalog import Protection as P
from imbplus.privacy.catalog import classify


class PolicyVersion(Base):
    """One published version of a site's privacy policy in one language (P15, P22).
    Append-only: database triggers refuse UPDATE and DELETE."""

    __tablename__ = "policy_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site: Mapped[str] = mapped_column(String(32))
    lang: Mapped[str] = mapped_column(String(2))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    changes: Mapped[str] = mapped_column(Text)
    effective_from: Mapped[date] = mapped_column(Date)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_by: Mapped[str] = mapped_column(String(64))
    body_sha256: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        UniqueConstraint("site", "lang", "number", name="uq_policy_versions_site_lang_number"),
        Index("ix_policy_versions_effective", "site", "lang", "effective_from"),
    )


class PolicyNotice(Base):
    """A customer told of a policy version: e-mail queued, notice seen in the portal."""

    __tablename__ = "policy_notices"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("policy_versions.id", ondelete="CASCADE"), primary_key=True
    )
    customer_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ConsentRecord(Base):
    """Proof of one cookie decision (P18). Append-only; a change of mind is a new record
    that names the one it replaces."""

    __tablename__ = "consent_records"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    replaces: Mapped[str | None] = mapped_column(String(32))
    site: Mapped[str] = mapped_column(String(32))
    lang: Mapped[str] = mapped_column(String(2))
    policy_version_id: Mapped[int | None] = mapped_column(ForeignKey("policy_versions.id"))
    action: Mapped[str] = mapped_column(String(16))
    preferences: Mapped[bool] = mapped_column(Boolean)
    statistics: Mapped[bool] = mapped_column(Boolean)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ip_masked_ct: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (Index("ix_consent_records_decided", "decided_at"),)


class PrivacyInquiry(Base):
    """A question to the data-protection officer (P23) with its one-month answer clock."""

    __tablename__ = "privacy_inquiries"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    customer_id: Mapped[str | None] = mapped_column(String(36), index=True)
    topic: Mapped[str] = mapped_column(String(16))
    lang: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    name_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    email_ct: Mapped[bytes] = mapped_column(LargeBinary)
    message_ct: Mapped[bytes] = mapped_column(LargeBinary)
    answer_ct: Mapped[bytes | None] = mapped_column(LargeBinary)

    __table_args__ = (Index("ix_privacy_inquiries_status_due", "status", "due_at"),)


class Feedback(Base):
    """A comment or suggestion (P24): non-confidential, never linked to a customer record."""

    __tablename__ = "feedback"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    topic: Mapped[str] = mapped_column(String(16))
    lang: Mapped[str] = mapped_column(String(2))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    message_ct: Mapped[bytes] = mapped_column(LargeBinary)
    email_ct: Mapped[bytes | None] = mapped_column(LargeBinary)


class PageViews(Base):
    """Views per public page and day: a counter, no identifier of any kind (P18)."""

    __tablename__ = "site_page_views"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    path: Mapped[str] = mapped_column(String(64), primary_key=True)
    views: Mapped[int] = mapped_column(Integer, default=0)


class DailyVisitors(Base):
    """New and returning visitors per day, counted only for browsers that consented to
    statistics, from a cookie that holds nothing but the date of the last visit."""

    __tablename__ = "site_visitors"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    new_visitors: Mapped[int] = mapped_column(Integer, default=0)
    returning_visitors: Mapped[int] = mapped_column(Integer, default=0)


_REF = (C.REFERENCE, P.PLAIN)
_ENC = P.ENCRYPTED
classify(
    PolicyVersion.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Row id."),
        "site": (*_REF, "Site the policy belongs to (P15)."),
        "lang": (*_REF, "pl or en."),
        "number": (*_REF, "Version number within site and language."),
        "title": (*_REF, "Title of the document."),
        "body": (*_REF, "Text of the policy (public)."),
        "changes": (*_REF, "Change-log entry: what changed from the previous version."),
        "effective_from": (*_REF, "Day the version takes effect."),
        "published_at": (*_REF, "When it was published."),
        "published_by": (*_REF, "Actor label of the publisher (staff id or job)."),
        "body_sha256": (*_REF, "SHA-256 of the text, for proof."),
    },
)
classify(
    PolicyNotice.__table__,  # type: ignore[arg-type]
    {
        "version_id": (*_REF, "Policy version."),
        "customer_id": (*_REF, "Pseudonymous customer id."),
        "mailed_at": (*_REF, "When the e-mail about the version was queued."),
        "seen_at": (*_REF, "When the customer dismissed the portal notice."),
    },
)
classify(
    ConsentRecord.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Random consent id, also the value of the consent cookie."),
        "replaces": (*_REF, "The earlier consent id this decision replaces."),
        "site": (*_REF, "Site."),
        "lang": (*_REF, "Language of the pages when deciding."),
        "policy_version_id": (*_REF, "Policy version in force when deciding (P22)."),
        "action": (*_REF, "accept_all, reject_all or choose."),
        "preferences": (C.CONSENT_RECORD, P.PLAIN, "Consent to preference cookies."),
        "statistics": (C.CONSENT_RECORD, P.PLAIN, "Consent to statistics cookies."),
        "decided_at": (*_REF, "When."),
        "ip_masked_ct": (
            C.CONSENT_RECORD,
            _ENC,
            "Masked client address (IPv4 /24, IPv6 /48), under a system key.",
        ),
    },
)
classify(
    PrivacyInquiry.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Random id."),
        "reference": (*_REF, "Reference quoted to the sender."),
        "customer_id": (*_REF, "Pseudonymous customer id when sent from a portal session."),
        "topic": (*_REF, "policy, my_data, rights or other."),
        "lang": (*_REF, "Language of the form; the answer uses it."),
        "status": (*_REF, "new, in_progress, answered or closed."),
        "received_at": (*_REF, "Received."),
        "due_at": (*_REF, "Answer due (one month after receipt)."),
        "answered_at": (*_REF, "Answer sent."),
        "closed_at": (*_REF, "Closed."),
        "updated_at": (*_REF, "Last change."),
        "name_ct": (C.IDENTITY, _ENC, "Sender's name (optional)."),
        "email_ct": (C.CONTACT, _ENC, "Sender's e-mail for the answer."),
        "message_ct": (C.PRIVACY_INQUIRY, _ENC, "The question."),
        "answer_ct": (C.PRIVACY_INQUIRY, _ENC, "The answer sent."),
    },
)
classify(
    Feedback.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Random id."),
        "topic": (*_REF, "site, offer, service or other."),
        "lang": (*_REF, "Language of the form."),
        "received_at": (*_REF, "Received."),
        "message_ct": (C.FEEDBACK, _ENC, "The comment or suggestion."),
        "email_ct": (C.FEEDBACK, _ENC, "Optional reply address given with it."),
    },
)
classify(
    PageViews.__table__,  # type: ignore[arg-type]
    {
        "day": (*_REF, "Day (UTC)."),
        "path": (*_REF, "Public page."),
        "views": (*_REF, "Number of views."),
    },
)
classify(
    DailyVisitors.__table__,  # type: ignore[arg-type]
    {
        "day": (*_REF, "Day (UTC)."),
        "new_visitors": (*_REF, "Consenting browsers without an earlier visit."),
        "returning_visitors": (*_REF, "Consenting browsers seen on an earlier day."),
    },
)
