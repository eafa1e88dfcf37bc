"""One-time links sent by e-mail: random tokens stored as SHA-256, expiring, single use."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from imbplus.clock import clock
from imbplus.portal.models import PortalToken

CONFIRM = "confirm"
RESET = "reset"
EMAIL = "email"  # confirms a new e-mail address; the row holds the address (encrypted)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(session: Session, customer_id: str, kind: str, lifetime: timedelta) -> str:
    """A new token; earlier unused tokens of the same kind stop working."""
    now = clock.now()
    withdraw(session, customer_id, kind)
    token = secrets.token_urlsafe(32)
    session.add(
        PortalToken(
            id_hash=_hash(token),
            customer_id=customer_id,
            kind=kind,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    session.flush()
    return token


def withdraw(session: Session, customer_id: str, kind: str) -> None:
    session.execute(
        update(PortalToken)
        .where(
            PortalToken.customer_id == customer_id,
            PortalToken.kind == kind,
            PortalToken.used_at.is_(None),
        )
        .values(used_at=clock.now(), new_email_ct=None)
    )


def _live(session: Session, token: str, kind: str, *, lock: bool) -> PortalToken | None:
    if not token or len(token) > 128:
        return None
    row = session.get(PortalToken, _hash(token), with_for_update=lock)
    if row is None or row.kind != kind or row.used_at is not None:
        return None
    return row if row.expires_at > clock.now() else None


def is_live(session: Session, token: str, kind: str) -> bool:
    return _live(session, token, kind, lock=False) is not None


def row_of(session: Session, token: str) -> PortalToken | None:
    return session.get(PortalToken, _hash(token))


def redeem_row(session: Session, token: str, kind: str) -> PortalToken | None:
    """A live token's row, the token used up; None for an unknown, used or expired one."""
    row = _live(session, token, kind, lock=True)
    if row is None:
        return None
    row.used_at = clock.now()
    return row


def redeem(session: Session, token: str, kind: str) -> str | None:
    """The customer id of a live token, which is used up; None for an unknown, used or
    expired token."""
    row = redeem_row(session, token, kind)
    return row.customer_id if row is not None else None


def issued_since(session: Session, customer_id: str, kind: str, since: datetime) -> int:
    return int(
        session.execute(
            select(func.count())
            .select_from(PortalToken)
            .where(
                PortalToken.customer_id == customer_id,
                PortalToken.kind == kind,
                PortalToken.created_at > since,
            )
        ).scalar_one()
    )
