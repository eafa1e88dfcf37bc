"""Device tokens on the ingest path: one database look-up per token per cache period, and a
per-box token bucket.

A worker trusts a checked token for `telemetry_token_cache_s` seconds (default 30). Revoking
a token, changing a box's status or erasing its owner clears the entry at once in the worker
that made the change, and bumps a shared counter in the database (`auth.generations`) that
every other worker, on any host, looks at every `telemetry_revocation_poll_s` (default
0.5 s): the change reaches them all within a second. The rate limit lives in each worker's
memory (with N workers a box gets at most N times the rate) unless `redis_url` is set:
then `shared_limit.SharedRateLimiter` counts it in Redis for every worker on every host.
"""

from __future__ import annotations

import math
import threading
import time
import weakref
from dataclasses import dataclass, field

from sqlalchemy import select

from imbplus.auth import generations, sessions
from imbplus.devices import pseudonyms
from imbplus.devices import service as devices
from imbplus.devices.models import REFUSED_STATUSES, Device, DeviceToken
from imbplus.errors import DomainError, RateLimited, Unauthenticated
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import ActorKind, Purpose
from imbplus.runtime import Runtime

MAX_TOKEN_LEN = 100


class DeviceRefused(DomainError):
    status = 403
    code = "device_refused"


@dataclass
class DeviceAuth:
    device_id: str
    pseudonym: int
    model: str
    firmware: str
    region: str | None
    customer_id: str | None
    expires: float
    refused: str | None = None  # status of a refused box (cached so refusals stay cheap)
    seen_written: float = field(default=-math.inf)


def device_actor(device_id: str) -> Actor:
    return Actor(ActorKind.SYSTEM, f"device:{device_id}"[:64], ("device",))


_caches: weakref.WeakSet[TokenCache] = weakref.WeakSet()


def cache_for(holder: object, rt: Runtime) -> TokenCache:
    """The process's token cache, kept on `holder` (the app state, a CLI object): the box's
    own routes and the ingest path (`telemetry.service`) share it."""
    found = getattr(holder, "device_tokens", None)
    if found is None:
        found = TokenCache(rt)
        setattr(holder, "device_tokens", found)  # noqa: B010
    return found


def forget_device(device_id: str) -> None:
    """Drop a box from every token cache of this process (revocation, status, erasure)."""
    for cache in list(_caches):
        cache.forget(device_id)


class TokenCache:
    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.ttl = rt.settings.telemetry_token_cache_s
        self._entries: dict[str, DeviceAuth] = {}
        # (box, assignment period) -> pseudonym: a period's secret is revealed through the
        # gate (and audited) once per period and worker, not at every token check
        self._pseudonyms: dict[tuple[str, int | None], int] = {}
        self._lock = threading.Lock()
        self._epoch = 0  # moves on every clear; a load begun before it is not cached
        self._revocations = generations.Watcher(
            rt.engine, generations.DEVICE_TOKENS, rt.settings.telemetry_revocation_poll_s
        )
        _caches.add(self)

    def forget(self, device_id: str) -> None:
        with self._lock:
            self._epoch += 1
            for key in [k for k, v in self._entries.items() if v.device_id == device_id]:
                del self._entries[key]
            for known in [k for k in self._pseudonyms if k[0] == device_id]:
                del self._pseudonyms[known]

    def _clear(self) -> None:
        with self._lock:
            self._epoch += 1
            self._entries.clear()
            self._pseudonyms.clear()

    def authenticate(self, token: str | None) -> DeviceAuth:
        if not token or not token.startswith(devices.TOKEN_PREFIX) or len(token) > MAX_TOKEN_LEN:
            raise Unauthenticated("a device token is required (Authorization: Bearer imbdv_...)")
        if self._revocations.changed():
            self._clear()
        digest = sessions.token_hash(token)
        now = time.monotonic()
        hit = self._entries.get(digest)
        if hit is None or hit.expires <= now:
            epoch = self._epoch
            hit = self._load(digest, now)
            with self._lock:
                if len(self._entries) > 200_000:
                    self._entries.clear()
                if epoch == self._epoch:  # not cleared while it loaded: not stale
                    self._entries[digest] = hit
        if hit.refused:
            raise DeviceRefused(f"this box is {hit.refused}; it may not post telemetry")
        return hit

    def _load(self, digest: str, now: float) -> DeviceAuth:
        with self.rt.unit_of_work() as session:
            found = session.execute(
                select(DeviceToken, Device)
                .join(Device, Device.id == DeviceToken.device_id)
                .where(DeviceToken.token_hash == digest)
            ).first()
            if found is None:
                raise Unauthenticated("invalid device token")
            token, device = found
            if token.revoked_at is not None:
                raise Unauthenticated("device token revoked")
            ctx = Context(session, self.rt, device_actor(device.id), Purpose.SERVICE_DELIVERY)
            refused = device.status if device.status in REFUSED_STATUSES else None
            if refused:
                # audited once per cache period, committed before the refusal is answered
                ctx.note(
                    "telemetry.refused",
                    subject=device.customer_id,
                    result="denied",
                    reason=f"device:{device.id} is {device.status}",
                )
                pseudonym = 0
            else:
                pseudonym = self._pseudonym(ctx, device)
            return DeviceAuth(
                device_id=device.id,
                pseudonym=pseudonym,
                model=device.model,
                firmware=device.firmware,
                region=device.region,
                customer_id=device.customer_id,
                expires=now + self.ttl,
                refused=refused,
            )

    def _pseudonym(self, ctx: Context, device: Device) -> int:
        epoch = self._epoch
        period = pseudonyms.current_period(ctx, device)
        key = (device.id, period.id if period is not None else None)
        found = self._pseudonyms.get(key)
        if found is None:
            found = pseudonyms.pseudonym(pseudonyms.secret_of(ctx, period), device.id)
            with self._lock:
                if len(self._pseudonyms) > 200_000:
                    self._pseudonyms.clear()
                if epoch == self._epoch:  # not forgotten while it loaded
                    self._pseudonyms[key] = found
        return found

    def mark_seen(self, auth: DeviceAuth, address: str | None, every_s: float = 300) -> None:
        """Update the registry's last seen / last IP at most every `every_s` per box."""
        now = time.monotonic()
        if now - auth.seen_written < every_s:
            return
        auth.seen_written = now
        with self.rt.unit_of_work() as session:
            ctx = Context(session, self.rt, device_actor(auth.device_id), Purpose.SERVICE_DELIVERY)
            devices.record_seen(ctx, auth.device_id, address)


class RateLimiter:
    """Token bucket per box: `burst` events at once, `rate` events per second after."""

    def __init__(self, burst: int, rate: float) -> None:
        self.burst = float(burst)
        self.rate = rate
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, device_id: str, events: int) -> None:
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(device_id, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens < events:
                self._buckets[device_id] = (tokens, now)
                wait = math.ceil((min(events, self.burst) - tokens) / self.rate)
                raise RateLimited(
                    "this box posts more than a box can; slow down", retry_after_s=max(1, wait)
                )
            self._buckets[device_id] = (tokens - events, now)
