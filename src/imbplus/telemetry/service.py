"""The ingest service: a box's token, its rate limit, then the columnar ingest path."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel

from imbplus.devices.tokens import RateLimiter, TokenCache, cache_for
from imbplus.runtime import Runtime
from imbplus.telemetry.ingest import Limits, Stamp, ingest_body
from imbplus.telemetry.store import Store

if TYPE_CHECKING:
    from imbplus.telemetry.shared_limit import SharedRateLimiter


class IngestAnswer(BaseModel):
    accepted: int
    batch: str
    durable: bool = True


class Ingestor:
    """One per process: token cache, rate limiter and the store."""

    def __init__(self, rt: Runtime, tokens: TokenCache | None = None) -> None:
        s = rt.settings
        self.rt = rt
        self.store = Store(s.telemetry_root)
        self.store.recover()
        self.tokens = tokens if tokens is not None else TokenCache(rt)
        self.limiter = limiter_for(rt)
        self.limits = Limits(
            max_events=s.telemetry_max_events,
            max_bytes=s.telemetry_max_batch_bytes,
            retention_days=s.telemetry_retention_days,
        )

    def ingest(
        self,
        token: str | None,
        body: bytes,
        address: str | None = None,
        content_type: str | None = None,
    ) -> IngestAnswer:
        auth = self.tokens.authenticate(token)
        self.limiter.take(auth.device_id, 1)  # an exhausted box is refused before parsing
        stamp = Stamp(auth.pseudonym, auth.model, auth.firmware, auth.region)
        accepted = ingest_body(
            self.store,
            body,
            stamp,
            self.limits,
            before_write=lambda n: self.limiter.take(auth.device_id, n - 1),
            content_type=content_type,
        )
        self.tokens.mark_seen(auth, address)
        return IngestAnswer(accepted=accepted.events, batch=accepted.batch)


def limiter_for(rt: Runtime) -> RateLimiter | SharedRateLimiter:
    """Each box's bucket: in Redis for all hosts when `redis_url` is set, else per worker."""
    s = rt.settings
    if s.redis_url:
        from imbplus.telemetry.shared_limit import SharedRateLimiter

        return SharedRateLimiter(
            s.redis_url, s.telemetry_device_burst, s.telemetry_device_events_per_s
        )
    return RateLimiter(s.telemetry_device_burst, s.telemetry_device_events_per_s)


def ingestor_for(holder: object, rt: Runtime) -> Ingestor:
    """The process's ingestor, kept on `holder` (the app state, a CLI object)."""
    found = getattr(holder, "telemetry_ingestor", None)
    if found is None:
        found = Ingestor(rt, cache_for(holder, rt))
        setattr(holder, "telemetry_ingestor", found)  # noqa: B010
    return found
