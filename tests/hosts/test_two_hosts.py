"""Two real application servers, each with its own data directory (the same keys, its own
audit checkpoint), against one PostgreSQL database and one Redis: what one host revokes the
other refuses within a second, a box's rate limit counts requests to both, and the audit
records both append form one chain that verifies on either host."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from imbplus.auth import sessions
from imbplus.privacy import audit
from imbplus.runtime import Runtime
from imbplus.settings import Settings
from tests.support import databases
from tests.support.cli import imbplus
from tests.support.factories import api_headers, make_customer, make_device, make_staff
from tests.support.live import serve
from tests.support.shared import REDIS_URL, needs_redis
from tests.telemetry.helpers import auth, events, ndjson

BURST = 40  # events a box may post before its limit, for both hosts together
EVENTS = "/api/v1/telemetry/events"


pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        databases.BACKEND != "postgres",
        reason="several hosts share PostgreSQL; SQLite serves one host (IMBPLUS_TEST_BACKEND)",
    ),
    needs_redis,
]


@dataclass
class Hosts:
    a: str
    b: str
    settings_a: Settings
    settings_b: Settings


@pytest.fixture
def hosts(settings: Settings, rt: Runtime, tmp_path: Path) -> Iterator[Hosts]:
    data_b = tmp_path / "host-b"
    shutil.copytree(settings.data_dir, data_b)  # the same keys, its own checkpoint file
    settings_b = Settings(data_dir=data_b, database_url=settings.database_url)
    env = {
        "IMBPLUS_REDIS_URL": REDIS_URL,
        "IMBPLUS_TELEMETRY_DEVICE_BURST": str(BURST),
        "IMBPLUS_TELEMETRY_DEVICE_EVENTS_PER_S": "0.01",
    }
    with (
        serve(settings, tmp_path / "host-a.log", env=env) as a,
        serve(settings_b, tmp_path / "host-b.log", env=env) as b,
    ):
        yield Hosts(a, b, settings, settings_b)


def _refused_within(seconds: float, attempt: Callable[[], int], refused: int) -> float:
    """How long until `attempt` answers `refused` (fails after `seconds`)."""
    start = time.monotonic()
    while True:
        status = attempt()
        elapsed = time.monotonic() - start
        if status == refused:
            return elapsed
        assert elapsed < seconds, f"still {status} after {elapsed:.2f} s"
        time.sleep(0.05)


def test_a_staff_token_revoked_on_one_host_is_refused_by_the_other(
    hosts: Hosts, rt: Runtime
) -> None:
    staff, token = make_staff(rt, "support")
    customer = make_customer(rt)
    url = f"/api/v1/customers/{customer.id}"
    assert httpx.get(hosts.b + url, headers=api_headers(token)).status_code == 200
    done = imbplus(hosts.settings_a, "staff", "revoke-tokens", "--username", staff.username)
    assert done.returncode == 0, done.stderr
    _refused_within(
        1.0, lambda: httpx.get(hosts.b + url, headers=api_headers(token)).status_code, 401
    )


def test_a_console_session_ended_on_one_host_is_refused_by_the_other(
    hosts: Hosts, rt: Runtime
) -> None:
    staff, _token = make_staff(rt, "support")
    with rt.unit_of_work() as s:
        started = sessions.start(s, rt.settings, "staff", str(staff.id), mfa_pending=False)
        csrf = started.row.csrf_token
    cookies = {sessions.STAFF_COOKIE: started.token}
    assert httpx.get(hosts.b + "/console", cookies=cookies).status_code == 200
    out = httpx.post(hosts.a + "/console/logout", data={"csrf": csrf}, cookies=cookies)
    assert out.status_code == 303
    _refused_within(1.0, lambda: httpx.get(hosts.b + "/console", cookies=cookies).status_code, 303)


def test_a_box_token_revoked_on_one_host_is_refused_by_the_other_within_a_second(
    hosts: Hosts, rt: Runtime
) -> None:
    """Host B caches the box's token for 30 s; the shared revocation counter clears it."""
    _staff, staff_token = make_staff(rt, "support")
    device, token = make_device(rt, make_customer(rt).id)

    def post_to_b() -> int:
        return httpx.post(
            hosts.b + EVENTS, content=ndjson(events(1)), headers=auth(token)
        ).status_code

    assert post_to_b() == 200  # B holds the token in its cache now
    gone = httpx.delete(
        f"{hosts.a}/api/v1/devices/{device.id}/token", headers=api_headers(staff_token)
    )
    assert gone.status_code == 204
    _refused_within(1.0, post_to_b, 401)


def test_a_box_rate_limit_counts_requests_to_both_hosts_together(hosts: Hosts, rt: Runtime) -> None:
    _device, token = make_device(rt, make_customer(rt).id)
    statuses = [
        httpx.post(host + EVENTS, content=ndjson(events(5)), headers=auth(token)).status_code
        for _ in range(8)
        for host in (hosts.a, hosts.b)
    ]
    # 40 events in batches of 5: eight batches, whichever host took them, then 429
    assert statuses == [200] * (BURST // 5) + [429] * (16 - BURST // 5)


def test_audit_records_from_both_hosts_form_one_chain_that_verifies_on_either(
    hosts: Hosts, rt: Runtime
) -> None:
    _staff, token = make_staff(rt, "support")
    customer = make_customer(rt)
    with rt.sessions() as s:
        before = audit.count(s)
    for _ in range(5):
        for host in (hosts.a, hosts.b):
            got = httpx.get(f"{host}/api/v1/customers/{customer.id}", headers=api_headers(token))
            assert got.status_code == 200
    with rt.sessions() as s:
        assert audit.count(s) >= before + 10
        assert audit.verify(s, rt.checkpoint).ok
    pairs = ((hosts.settings_a, hosts.settings_b), (hosts.settings_b, hosts.settings_a))
    for settings, other in pairs:
        peers = {"IMBPLUS_AUDIT_PEER_CHECKPOINTS": json.dumps([str(other.checkpoint_file)])}
        checked = imbplus(settings, "audit", "verify", "--quiet", env=peers)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "and those of 1 other host(s)" in checked.stdout
