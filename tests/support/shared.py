"""The Redis that several hosts share (`IMBPLUS_TEST_REDIS_URL`, default the machine's)."""

from __future__ import annotations

import os

import pytest
import redis

REDIS_URL = os.environ.get("IMBPLUS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_reachable() -> bool:
    try:
        with redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1) as r:
            return bool(r.ping())
    except redis.RedisError:
        return False


needs_redis = pytest.mark.skipif(
    not redis_reachable(), reason=f"no Redis at {REDIS_URL} (IMBPLUS_TEST_REDIS_URL)"
)
