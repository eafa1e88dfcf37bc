"""The per-box rate limit in Redis: shared by every limiter (every worker, every host), and
counted per worker again when Redis cannot be reached rather than stopping ingest."""

from __future__ import annotations

import secrets

import pytest

from imbplus.errors import RateLimited
from imbplus.telemetry.shared_limit import SharedRateLimiter
from tests.support.shared import REDIS_URL, needs_redis


@needs_redis
def test_two_limiters_share_one_bucket_per_box() -> None:
    box, other = f"box-{secrets.token_hex(4)}", f"box-{secrets.token_hex(4)}"
    a, b = SharedRateLimiter(REDIS_URL, 10, 0.01), SharedRateLimiter(REDIS_URL, 10, 0.01)
    try:
        a.take(box, 6)
        b.take(box, 4)
        with pytest.raises(RateLimited) as refused:
            a.take(box, 1)
        assert refused.value.retry_after_s >= 1
        b.take(other, 10)  # another box has its own bucket
    finally:
        a.client.delete("imbplus:telemetry:bucket:" + box, "imbplus:telemetry:bucket:" + other)
        a.close()
        b.close()


def test_without_redis_each_worker_counts_for_itself() -> None:
    limiter = SharedRateLimiter("redis://127.0.0.1:1/0", 10, 0.01)
    limiter.take("box", 10)
    with pytest.raises(RateLimited):
        limiter.take("box", 1)
