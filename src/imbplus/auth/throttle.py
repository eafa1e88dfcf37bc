"""Login throttling (P12): guessing stays slow, and nobody can lock an account's owner out.

Failures are counted three ways, each under a keyed hash (never the account name or the
address itself):

- per account and client address: after `login_max_failures` failures the next attempt
  from that address waits `login_backoff_seconds`, and every further failure doubles the
  wait, up to `login_backoff_max_minutes`. Failures count for `login_failure_memory_hours`;
  a successful login clears this pair only.
- per account, from every address together: at most `login_max_failures_per_account`
  failures an hour (OWASP ASVS 2.2.1); beyond that an attempt waits until the oldest of
  them is an hour old. Only many addresses together get there, and then the account is
  slowed to that pace, not locked.
- per client address, over all accounts: `login_max_failures_per_ip` failures inside
  `login_window_minutes` stop password spraying from one address.

Attempts that race are counted one after the other (`check` holds the attempt's counters
until its unit of work ends), so parallel guesses never get past a limit.

An attacker hammering an account from one address thus runs into their own back-off,
while the owner logging in from another address is not held up; an address the owner
logged in from lately is not held by the per-account ceiling either, so not even many
addresses together can lock the owner out there. An IPv6 address counts as its /64 (one
subscriber's network): rotating addresses inside it gains nothing. An attempt that is
turned away is not a failure and counts nowhere.

`account` is the identity the login resolves to, normalised by the caller the same way
its lookup is (a portal e-mail as the e-mail validator normalises it), so that other
spellings of one address share one counter.
"""

from __future__ import annotations

import ipaddress
import math

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from imbplus.auth.models import LoginFailure
from imbplus.clock import clock
from imbplus.db import serialize
from imbplus.errors import RateLimited
from imbplus.privacy.crypto import Keyring
from imbplus.settings import Settings

_S = 1_000_000  # microseconds
ACCOUNT_WINDOW_S = 3600  # the per-account ceiling counts failures of the last hour


def _key(keyring: Keyring, session: Session, kind: str, value: str) -> str:
    return keyring.blind_index(session, "login_failures", kind, value).hex()


def source_of(address: str) -> str:
    """The source a failure counts against: the address, an IPv6 address as its /64."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _keys(keyring: Keyring, session: Session, account: str, address: str) -> tuple[str, str, str]:
    source = source_of(address)
    return (
        _key(keyring, session, "pair", f"{account}\x00{source}"),
        _key(keyring, session, "account", account),
        _key(keyring, session, "address", source),
    )


def _known_key(keyring: Keyring, session: Session, account: str, address: str) -> str:
    return _key(keyring, session, "known", f"{account}\x00{source_of(address)}")


def _count(session: Session, key: str, since_us: int) -> tuple[int, int | None]:
    """Failures under `key` after `since_us`, and the newest of them."""
    count, newest = session.execute(
        select(func.count(), func.max(LoginFailure.ts_us)).where(
            LoginFailure.key_hash == key, LoginFailure.ts_us > since_us
        )
    ).one()
    return int(count), newest


def backoff_s(settings: Settings, failures: int) -> int:
    """The wait after `failures` failures from one address for one account (0 before the
    first `login_max_failures`), doubling with each further failure, capped."""
    over = failures - settings.login_max_failures
    if over < 0:
        return 0
    cap = settings.login_backoff_max_minutes * 60
    return min(cap, settings.login_backoff_seconds * (1 << min(over, 32)))


def _pair_wait_us(session: Session, settings: Settings, key: str, now: int) -> int:
    since = now - settings.login_failure_memory_hours * 3600 * _S
    count, newest = _count(session, key, since)
    delay = backoff_s(settings, count)
    if delay == 0 or newest is None:
        return 0
    return newest + delay * _S - now


def _ceiling_wait_us(session: Session, key: str, now: int, window_s: int, limit: int) -> int:
    """Over `limit` failures inside the window: wait until enough of them aged out of it."""
    since = now - window_s * _S
    count, _newest = _count(session, key, since)
    if count < limit:
        return 0
    ageing = session.execute(
        select(LoginFailure.ts_us)
        .where(LoginFailure.key_hash == key, LoginFailure.ts_us > since)
        .order_by(LoginFailure.ts_us)
        .offset(count - limit)
        .limit(1)
    ).scalar_one()
    return int(ageing) + window_s * _S - now


def check(
    session: Session, keyring: Keyring, settings: Settings, *, account: str, address: str
) -> None:
    """Raise RateLimited (with the seconds to wait) when this attempt has to wait."""
    now = clock.now_us()
    pair, per_account, per_address = _keys(keyring, session, account, address)
    # Attempts that race (on one host or several) are counted one after the other: each
    # holds its counters until its unit of work, with the failure it records, has ended.
    serialize(session, [f"login_failures:{k}" for k in (pair, per_account, per_address)])
    known_since = now - settings.login_failure_memory_hours * 3600 * _S
    known = _count(session, _known_key(keyring, session, account, address), known_since)[0]
    wait = max(
        _pair_wait_us(session, settings, pair, now),
        0
        if known
        else _ceiling_wait_us(
            session, per_account, now, ACCOUNT_WINDOW_S, settings.login_max_failures_per_account
        ),
        _ceiling_wait_us(
            session,
            per_address,
            now,
            settings.login_window_minutes * 60,
            settings.login_max_failures_per_ip,
        ),
    )
    if wait > 0:
        raise RateLimited(
            "too many failed logins; try again later", retry_after_s=max(1, math.ceil(wait / _S))
        )


def record_failure(session: Session, keyring: Keyring, *, account: str, address: str) -> None:
    now = clock.now_us()
    for key in _keys(keyring, session, account, address):
        session.add(LoginFailure(key_hash=key, ts_us=now))


def record_success(session: Session, keyring: Keyring, *, account: str, address: str) -> None:
    """The owner got in from this address: its back-off starts afresh, and for a while it is
    a known address that the per-account ceiling does not hold. The account's and the
    address's counters stay (a success must not reset what others' failures built up)."""
    pair = _keys(keyring, session, account, address)[0]
    session.execute(delete(LoginFailure).where(LoginFailure.key_hash == pair))
    known = _known_key(keyring, session, account, address)
    session.execute(delete(LoginFailure).where(LoginFailure.key_hash == known))
    session.add(LoginFailure(key_hash=known, ts_us=clock.now_us()))
