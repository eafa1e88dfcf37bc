"""Login rate limiting (P12): failures per account and per client address in a window.

Keys are stored as keyed hashes, never as the account name or address itself.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from imbplus.auth.models import LoginFailure
from imbplus.clock import clock
from imbplus.errors import RateLimited
from imbplus.privacy.crypto import Keyring
from imbplus.settings import Settings


def _key(keyring: Keyring, session: Session, kind: str, value: str) -> str:
    return keyring.blind_index(session, "login_failures", kind, value.lower()).hex()


def check(
    session: Session, keyring: Keyring, settings: Settings, *, account: str, address: str
) -> None:
    window_us = settings.login_window_minutes * 60_000_000
    since = clock.now_us() - window_us
    for kind, value, limit in (
        ("account", account, settings.login_max_failures),
        ("address", address, settings.login_max_failures_per_ip),
    ):
        key = _key(keyring, session, kind, value)
        count, oldest = session.execute(
            select(func.count(), func.min(LoginFailure.ts_us)).where(
                LoginFailure.key_hash == key, LoginFailure.ts_us > since
            )
        ).one()
        if count >= limit:
            retry = max(1, int((oldest + window_us - clock.now_us()) / 1_000_000) + 1)
            raise RateLimited("too many failed logins; try again later", retry_after_s=retry)


def record_failure(session: Session, keyring: Keyring, *, account: str, address: str) -> None:
    now = clock.now_us()
    for kind, value in (("account", account), ("address", address)):
        session.add(LoginFailure(key_hash=_key(keyring, session, kind, value), ts_us=now))


def clear_account(session: Session, keyring: Keyring, account: str) -> None:
    session.execute(
        delete(LoginFailure).where(
            LoginFailure.key_hash == _key(keyring, session, "account", account)
        )
    )
