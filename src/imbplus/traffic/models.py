"""The request log in two parts with two lifetimes (P21).

* `request_log_full`: the client address, encrypted (system key) with a keyed blind index
  for lookups; kept briefly for security (`request_log_ip_days`, default 7 days).
* `request_log_masked`: the same request with the address cut to its network (IPv4 /24,
  IPv6 /48); traffic statistics are built from this table only; kept
  `request_log_masked_months` (default 13 months).

Neither holds a query string, a body, a user agent or a full referrer (domain only).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Index, Integer, LargeBinary, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from imbplus.db import Base, UTCDateTime
from imbplus.privacy.catalog import Category as C
from imbplus.privacy.catalog import Protection as P
from imbplus.privacy.catalog import classify


class FullRequest(Base):
    __tablename__ = "request_log_full"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    ip_ct: Mapped[bytes] = mapped_column(LargeBinary)
    ip_bidx: Mapped[bytes] = mapped_column(LargeBinary(32))
    method: Mapped[str] = mapped_column(String(8))
    route: Mapped[str] = mapped_column(String(200))
    status: Mapped[int] = mapped_column(SmallInteger)

    __table_args__ = (
        Index("ix_request_log_full_at", "at"),
        Index("ix_request_log_full_ip", "ip_bidx", "at"),
    )


class MaskedRequest(Base):
    __tablename__ = "request_log_masked"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    network: Mapped[str] = mapped_column(String(49))
    method: Mapped[str] = mapped_column(String(8))
    route: Mapped[str] = mapped_column(String(200))
    status: Mapped[int] = mapped_column(SmallInteger)
    referrer_domain: Mapped[str | None] = mapped_column(String(253))
    lang: Mapped[str] = mapped_column(String(2))

    __table_args__ = (Index("ix_request_log_masked_day", "day"),)


class RateLimitHit(Base):
    """One accepted post of a rate-limited form (or one failed token) from an address."""

    __tablename__ = "rate_limit_hits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    ts_us: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (Index("ix_rate_limit_hits_key_ts", "key_hash", "ts_us"),)


_REF = (C.REFERENCE, P.PLAIN)
_LOG = C.WEB_REQUEST_LOG
classify(
    FullRequest.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Random line id."),
        "at": (*_REF, "When."),
        "ip_ct": (_LOG, P.ENCRYPTED, "Client address (security; kept 7 days by default)."),
        "ip_bidx": (_LOG, P.BLIND_INDEX, "Keyed hash of the address for lookups."),
        "method": (*_REF, "HTTP method."),
        "route": (*_REF, "Route template (no ids, no query string)."),
        "status": (*_REF, "HTTP status."),
    },
)
classify(
    MaskedRequest.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Line id."),
        "day": (*_REF, "Day (UTC)."),
        "at": (*_REF, "When, to the minute."),
        "network": (_LOG, P.PLAIN, "Masked address: IPv4 /24 or IPv6 /48 network."),
        "method": (*_REF, "HTTP method."),
        "route": (*_REF, "Route template (no ids, no query string)."),
        "status": (*_REF, "HTTP status."),
        "referrer_domain": (*_REF, "Domain of an external referrer (no path)."),
        "lang": (*_REF, "Language of the page."),
    },
)
classify(
    RateLimitHit.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Row id."),
        "key_hash": (_LOG, P.BLIND_INDEX, "Keyed hash of form name and client address."),
        "ts_us": (*_REF, "When."),
    },
)
