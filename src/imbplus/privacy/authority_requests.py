"""The register of requests from public authorities (P07): what an authority asked for, on
which legal basis, who entered it and who (another person) approved or refused it, and what
was handed over (`imbplus.compliance.authority` keeps it; this module holds its tables and
what the lower layers need of it).

A request may bar telling the customer (a gag order) until a date. Until then the customer
does not see, in "who saw my data" or in their own copy, the reads made to fulfil it nor the
disclosure: everything the fulfilment did carries its unit of work's request id, which
`hidden_request_ids` names for the portal's access log to leave out; once the bar ends
(or where there is none) both are shown.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from imbplus.db import Base, UTCDateTime
from imbplus.privacy.catalog import Category, classify_all
from imbplus.privacy.catalog import Protection as P
from imbplus.privacy.disclosure import Disclosure, DisclosureRead, read_row

RECEIVED, APPROVED, REFUSED, FULFILLED, CLOSED = (
    "received",
    "approved",
    "refused",
    "fulfilled",
    "closed",
)
STATUSES = (RECEIVED, APPROVED, REFUSED, FULFILLED, CLOSED)


class AuthorityRequest(Base):
    __tablename__ = "authority_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    authority_id: Mapped[str] = mapped_column(String(64), index=True)  # recipients.id
    reference: Mapped[str] = mapped_column(String(100))  # the authority's case number
    legal_basis: Mapped[str] = mapped_column(String(200))  # statute and article
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    categories: Mapped[str] = mapped_column(String(255))  # the scope's data categories
    period_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    period_to: Mapped[datetime | None] = mapped_column(UTCDateTime)
    bar_until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # customer not told before
    notes: Mapped[str] = mapped_column(String(2000), default="")
    status: Mapped[str] = mapped_column(String(16), default=RECEIVED)
    entered_by: Mapped[str] = mapped_column(String(100))  # actor label
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str] = mapped_column(String(500), default="")
    fulfilled_by: Mapped[str | None] = mapped_column(String(100))
    fulfilled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fulfil_request_id: Mapped[str | None] = mapped_column(String(64))
    bundle_name: Mapped[str | None] = mapped_column(String(100))
    bundle_sha256: Mapped[str | None] = mapped_column(String(64))
    disclosure_id: Mapped[int | None] = mapped_column(Integer)


class AuthorityRequestSubject(Base):
    """One customer in a request's scope."""

    __tablename__ = "authority_request_subjects"

    request_id: Mapped[int] = mapped_column(ForeignKey("authority_requests.id"), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(36), primary_key=True, index=True)


classify_all(
    AuthorityRequest.__table__,  # type: ignore[arg-type]
    Category.REFERENCE,
    P.PLAIN,
    "Authority request register (P07): ids, case reference, legal basis, scope, states, "
    "who and when; no personal values (the notes field says so).",
)
classify_all(
    AuthorityRequestSubject.__table__,  # type: ignore[arg-type]
    Category.REFERENCE,
    P.PLAIN,
    "Customer ids (pseudonymous) in an authority request's scope (P07).",
)


def tag(request_id: int) -> str:
    """The reason every audit record of the request carries."""
    return f"authority_request:{request_id}"


def _involving(customer_id: str) -> object:
    return AuthorityRequest.id.in_(
        select(AuthorityRequestSubject.request_id).where(
            AuthorityRequestSubject.customer_id == customer_id
        )
    )


def hidden_request_ids(session: Session, customer_id: str, now: datetime) -> list[str]:
    """The units of work that fulfilled a request about the customer whose bar has not
    ended: their audit records are not shown to the customer yet."""
    stmt = select(AuthorityRequest.fulfil_request_id).where(
        _involving(customer_id),  # type: ignore[arg-type]
        AuthorityRequest.fulfil_request_id.is_not(None),
        AuthorityRequest.bar_until > now,
    )
    return [r for r in session.execute(stmt).scalars() if r]


def told_disclosures(session: Session, customer_id: str, now: datetime) -> list[DisclosureRead]:
    """The disclosures to authorities about the customer that they may be told of (no bar,
    or the bar has ended), oldest first."""
    stmt = (
        select(Disclosure)
        .join(AuthorityRequest, AuthorityRequest.disclosure_id == Disclosure.id)
        .where(
            _involving(customer_id),  # type: ignore[arg-type]
            or_(AuthorityRequest.bar_until.is_(None), AuthorityRequest.bar_until <= now),
        )
        .order_by(Disclosure.id)
    )
    return [read_row(d) for d in session.execute(stmt).scalars()]
