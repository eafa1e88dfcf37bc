"""P12: a revoked box token, or a box taken out of service, is refused by every worker of a
real two-worker server within a second, not after the cache period."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from imbplus.devices import service as devices
from imbplus.devices.schemas import DeviceUpdate
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.runtime import Runtime
from imbplus.settings import Settings
from tests.support.factories import make_customer, make_device
from tests.support.live import serve
from tests.telemetry.helpers import auth, events, ndjson

URL = "/api/v1/telemetry/events"


def _statuses(base: str, token: str, n: int = 24) -> set[int]:
    # a new connection per request, so that both workers take some of them
    fresh = httpx.Limits(max_keepalive_connections=0)
    with httpx.Client(base_url=base, timeout=10, limits=fresh) as http:
        return {
            http.post(URL, content=ndjson(events(2, 5)), headers=auth(token)).status_code
            for _ in range(n)
        }


def test_p12_revocation_reaches_every_worker_within_a_second(
    settings: Settings, rt: Runtime, tmp_path: Path
) -> None:
    assert settings.telemetry_token_cache_s >= 30  # the cache alone would keep it for 30 s
    customer = make_customer(rt)
    device, token = make_device(rt, customer.id)
    other, other_token = make_device(rt, customer.id)
    with serve(settings, tmp_path / "serve.log", workers=2) as base:
        assert _statuses(base, token) == {200}  # both workers hold the token now
        assert _statuses(base, other_token) == {200}
        with rt.unit_of_work() as s:
            ctx = Context(s, rt, Actor.staff(1, ["support"]), Purpose.SERVICE_DELIVERY)
            devices.revoke_tokens(ctx, device.id)
            devices.update_device(ctx, other.id, DeviceUpdate(status="suspended"))
        time.sleep(1.0)  # the poll period (0.5 s) has passed in both workers
        assert _statuses(base, token) == {401}
        assert _statuses(base, other_token) == {403}


def test_a_token_loaded_while_the_cache_is_cleared_is_not_kept(
    rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A look-up that began before a revocation and ends after the cache was cleared must
    not put its (stale) answer back for the whole cache period."""
    from imbplus.devices.tokens import TokenCache

    device, token = make_device(rt, make_customer(rt).id)
    cache = TokenCache(rt)
    loads = []
    real = cache._load

    def slow_load(digest: str, now: float):  # type: ignore[no-untyped-def]
        loads.append(digest)
        found = real(digest, now)
        cache.forget(device.id)  # the revocation lands while this look-up is under way
        return found

    monkeypatch.setattr(cache, "_load", slow_load)
    cache.authenticate(token)
    cache.authenticate(token)
    assert len(loads) == 2  # the first answer was not cached
