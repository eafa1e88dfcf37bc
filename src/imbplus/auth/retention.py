"""Retention of authentication records: ended sessions and old login failures."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select

from imbplus.auth.models import LoginFailure, WebSession
from imbplus.auth.throttle import ACCOUNT_WINDOW_S
from imbplus.privacy import retention_rules
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Category
from imbplus.settings import Settings


def _sessions(ctx: Context, cutoff: datetime, _held: frozenset[str], dry_run: bool) -> int:
    old = or_(WebSession.expires_at < cutoff, WebSession.revoked_at < cutoff)
    if dry_run:
        return int(
            ctx.session.execute(
                select(func.count()).select_from(WebSession).where(old)
            ).scalar_one()
        )
    return int(ctx.session.execute(delete(WebSession).where(old)).rowcount or 0)  # type: ignore[attr-defined]


def _failures(ctx: Context, cutoff: datetime, _held: frozenset[str], dry_run: bool) -> int:
    old = LoginFailure.ts_us < int(cutoff.timestamp() * 1_000_000)
    if dry_run:
        return int(
            ctx.session.execute(
                select(func.count()).select_from(LoginFailure).where(old)
            ).scalar_one()
        )
    return int(ctx.session.execute(delete(LoginFailure).where(old)).rowcount or 0)  # type: ignore[attr-defined]


def _failure_window(settings: Settings) -> timedelta:
    longest = max(
        timedelta(minutes=settings.login_window_minutes),
        timedelta(hours=settings.login_failure_memory_hours),
        timedelta(seconds=ACCOUNT_WINDOW_S),
    )
    return longest + timedelta(days=1)


retention_rules.register(
    retention_rules.Rule(
        name="auth.sessions",
        category=Category.ACCOUNT_CREDENTIALS,
        period=retention_rules.days(30),
        legal_basis="security (P12): ended sessions are kept 30 days for incident review",
        description="Console and portal sessions, 30 days after they ended or expired.",
        purge=_sessions,
    )
)
retention_rules.register(
    retention_rules.Rule(
        name="auth.login_failures",
        category=Category.WEB_REQUEST_LOG,
        period=_failure_window,
        legal_basis="security (P21): brute-force protection needs only its counting windows",
        description="Failed-login counters (keyed hashes), one day after their longest window.",
        purge=_failures,
    )
)
