"""Per-address limits on public and portal forms (P21 abuse protection).

Accepted posts (and failed one-time tokens) are counted per form and client address inside
a window; beyond the limit the form answers 429. The count and the post's own hit are one
step: a post holds its counter (`db.serialize`) until its unit of work ends, so posts that
race, on one host or several, never pass the limit. Counters are stored as keyed hashes,
never as the address itself, and purged by the request-log retention job.
"""

from __future__ import annotations

from fastapi import Request
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from imbplus.clock import clock
from imbplus.db import serialize
from imbplus.errors import RateLimited
from imbplus.runtime import Runtime
from imbplus.traffic.models import RateLimitHit
from imbplus.web import i18n

TABLE = "rate_limit_hits"


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _key(rt: Runtime, session: Session, form: str, address: str) -> str:
    return rt.keyring.blind_index(session, TABLE, form, address).hex()


def check(rt: Runtime, session: Session, form: str, address: str, lang: str = i18n.DEFAULT) -> None:
    """Raise RateLimited when `address` reached the limit of `form` inside the window."""
    window_us = rt.settings.form_window_minutes * 60_000_000
    since = clock.now_us() - window_us
    key = _key(rt, session, form, address)
    serialize(session, [f"{TABLE}:{key}"])  # posts racing on several hosts count one by one
    count, oldest = session.execute(
        select(func.count(), func.min(RateLimitHit.ts_us)).where(
            RateLimitHit.key_hash == key, RateLimitHit.ts_us > since
        )
    ).one()
    if count >= rt.settings.form_max_posts_per_ip:
        retry = max(1, int((oldest + window_us - clock.now_us()) / 1_000_000) + 1)
        raise RateLimited(i18n.translate(lang, "limits.too_many"), retry_after_s=retry)


def record(rt: Runtime, session: Session, form: str, address: str) -> None:
    session.add(RateLimitHit(key_hash=_key(rt, session, form, address), ts_us=clock.now_us()))


def guard(request: Request, session: Session, form: str) -> None:
    """Page helper: refuse the post when this address used up the form's limit."""
    rt: Runtime = request.app.state.runtime
    check(rt, session, form, client_address(request), i18n.lang_of(request.scope))


def count(request: Request, session: Session, form: str) -> None:
    """Page helper: count an accepted post (or a failed token) for this address."""
    record(request.app.state.runtime, session, form, client_address(request))


def purge(session: Session, older_than_us: int) -> int:
    result = session.execute(delete(RateLimitHit).where(RateLimitHit.ts_us < older_than_us))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
