"""Server-side sessions: the cookie holds a random token, the database its SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from imbplus.auth.models import WebSession
from imbplus.clock import clock
from imbplus.settings import Settings

STAFF_COOKIE = "imb_staff"
CUSTOMER_COOKIE = "imb_session"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewSession:
    token: str
    row: WebSession


def start(
    session: Session, settings: Settings, kind: str, principal_id: str, *, mfa_pending: bool
) -> NewSession:
    token = secrets.token_urlsafe(32)
    now = clock.now()
    row = WebSession(
        id_hash=token_hash(token),
        kind=kind,
        principal_id=principal_id,
        csrf_token=secrets.token_urlsafe(32),
        purpose=None,
        mfa_pending=mfa_pending,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=settings.session_max_hours),
    )
    session.add(row)
    session.flush()
    return NewSession(token, row)


def resolve(
    session: Session, settings: Settings, kind: str, token: str | None
) -> WebSession | None:
    """The live session for a cookie value, or None (expired, idle, revoked, unknown)."""
    if not token or len(token) > 128:
        return None
    row = session.get(WebSession, token_hash(token))
    now = clock.now()
    if row is None or row.kind != kind or row.revoked_at is not None or row.expires_at <= now:
        return None
    if row.last_seen_at + timedelta(minutes=settings.session_idle_minutes) <= now:
        return None
    if now - row.last_seen_at > timedelta(seconds=60):
        row.last_seen_at = now
    return row


def rotate(session: Session, row: WebSession) -> str:
    """New cookie value after a privilege change (second factor passed)."""
    token = secrets.token_urlsafe(32)
    replacement = WebSession(
        id_hash=token_hash(token),
        kind=row.kind,
        principal_id=row.principal_id,
        csrf_token=secrets.token_urlsafe(32),
        purpose=row.purpose,
        mfa_pending=False,
        created_at=row.created_at,
        last_seen_at=clock.now(),
        expires_at=row.expires_at,
    )
    row.revoked_at = clock.now()
    session.add(replacement)
    session.flush()
    return token


def end(session: Session, row: WebSession) -> None:
    row.revoked_at = clock.now()


def end_all(session: Session, kind: str, principal_id: str) -> None:
    session.execute(
        update(WebSession)
        .where(
            WebSession.kind == kind,
            WebSession.principal_id == principal_id,
            WebSession.revoked_at.is_(None),
        )
        .values(revoked_at=clock.now())
    )


def live_count(session: Session, kind: str, principal_id: str) -> int:
    rows = session.execute(
        select(WebSession.id_hash).where(
            WebSession.kind == kind,
            WebSession.principal_id == principal_id,
            WebSession.revoked_at.is_(None),
            WebSession.expires_at > clock.now(),
        )
    ).all()
    return len(rows)
