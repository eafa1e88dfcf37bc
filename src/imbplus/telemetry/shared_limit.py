"""The per-box token bucket, shared by every worker on every host through Redis.

The bucket (tokens left, time of the last take) is one Redis hash per box, updated by one
Lua script so that takes from all hosts are atomic, timed by Redis's own clock so that
hosts whose clocks differ agree. A full bucket needs no key, so a key expires once it
would have refilled. Ingest must not stop because the limiter's store did: when Redis
cannot be reached the worker falls back to its own bucket (the limit then counts per
worker, as without Redis) for `RETRY_S` before it asks Redis again, and logs it once.
"""

from __future__ import annotations

import logging
import math
import time
from typing import Any

import redis

from imbplus.devices.tokens import RateLimiter
from imbplus.errors import RateLimited

log = logging.getLogger("imbplus.telemetry")
PREFIX = "imbplus:telemetry:bucket:"
RETRY_S = 5.0
TIMEOUT_S = 0.25

_TAKE = """
local burst, rate, n = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local held = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(held[1]) or burst
local at = tonumber(held[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local ok = 0
if tokens >= n then
  tokens = tokens - n
  ok = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 1)
return {ok, tostring(tokens)}
"""


class SharedRateLimiter:
    """`take(device_id, events)` as `RateLimiter`, counted for all hosts together."""

    def __init__(self, url: str, burst: int, rate: float) -> None:
        self.burst, self.rate = float(burst), rate
        self.client: Any = redis.Redis.from_url(
            url, socket_timeout=TIMEOUT_S, socket_connect_timeout=TIMEOUT_S
        )
        self._take = self.client.register_script(_TAKE)
        self.local = RateLimiter(burst, rate)
        self._down_until = 0.0

    def take(self, device_id: str, events: int) -> None:
        if time.monotonic() < self._down_until:
            self.local.take(device_id, events)
            return
        try:
            ok, left = self._take(keys=[PREFIX + device_id], args=[self.burst, self.rate, events])
        except redis.RedisError as exc:
            if self._down_until == 0.0:
                log.error(
                    "shared rate limit unreachable (%s); counting per worker", type(exc).__name__
                )
            self._down_until = time.monotonic() + RETRY_S
            self.local.take(device_id, events)
            return
        if not int(ok):
            wait = math.ceil((min(events, self.burst) - float(left)) / self.rate)
            raise RateLimited(
                "this box posts more than a box can; slow down", retry_after_s=max(1, wait)
            )

    def close(self) -> None:
        self.client.close()
