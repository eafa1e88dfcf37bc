"""P12: login throttling slows guessing without letting anyone lock an account's owner out
(OWASP ASVS 2.2.1), on the portal and on the staff console alike."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from imbplus.auth.models import LoginFailure
from imbplus.clock import clock
from imbplus.runtime import Runtime
from tests.portal.test_pages import portal_login
from tests.support.console import login as console_login
from tests.support.factories import PASSWORD, make_staff, make_subscriber

ATTACKER, OWNER = ("203.0.113.9", 40000), ("198.51.100.7", 40001)
WRONG = "not the password at all"


@dataclass
class Surface:
    """A login form: who has an account there, and how a login attempt is made."""

    account: Callable[[Runtime], str]
    attempt: Callable[[TestClient, str, str], Response]
    success: str  # where a right password (and code) leads


def _subscriber(rt: Runtime) -> str:
    return make_subscriber(rt, email="anna.kowalska@example.pl").email


def _employee(rt: Runtime) -> str:
    return make_staff(rt, "support")[0].username


SURFACES = {
    "portal": Surface(_subscriber, portal_login, "/portal"),
    "console": Surface(_employee, console_login, "/console"),
}


@pytest.fixture(params=sorted(SURFACES))
def surface(request: pytest.FixtureRequest) -> Surface:
    return SURFACES[request.param]


@pytest.fixture
def clients(app: FastAPI) -> Iterator[tuple[TestClient, TestClient]]:
    with (
        TestClient(app, raise_server_exceptions=False, client=ATTACKER) as attacker,
        TestClient(app, raise_server_exceptions=False, client=OWNER) as owner,
    ):
        yield attacker, owner


def test_p12_other_spellings_of_an_address_share_its_counter(
    client: TestClient, rt: Runtime
) -> None:
    me = _subscriber(rt)
    for _ in range(rt.settings.login_max_failures):
        assert portal_login(client, me, WRONG).status_code == 401
    # a full-width "ｅ" and capitals name the same account: the same counter, not 5 more
    for spelling in ("anna.kowalska@ｅxample.pl", "ANNA.KOWALSKA@EXAMPLE.PL"):
        refused = portal_login(client, spelling)
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0


def test_p12_an_attacker_on_one_address_cannot_lock_the_owner_out(
    clients: tuple[TestClient, TestClient], rt: Runtime, surface: Surface
) -> None:
    attacker, owner = clients
    victim = surface.account(rt)
    for _ in range(rt.settings.login_max_failures):
        assert surface.attempt(attacker, victim, WRONG).status_code == 401
    waits = []
    for _ in range(3):
        refused = surface.attempt(attacker, victim, WRONG)
        assert refused.status_code == 429
        waits.append(int(refused.headers["retry-after"]))
        clock.advance(waits[-1])
        assert surface.attempt(attacker, victim, WRONG).status_code == 401
    assert waits[0] < waits[1] < waits[2]  # every failure doubles the attacker's wait
    # meanwhile the owner, from their own address, logs in at once
    welcome = surface.attempt(owner, victim, PASSWORD)
    assert welcome.status_code == 303 and welcome.headers["location"] == surface.success
    # and the owner's success does not free the attacker
    assert surface.attempt(attacker, victim, PASSWORD).status_code == 429


def test_p12_spraying_many_accounts_from_one_address_is_stopped(
    clients: tuple[TestClient, TestClient], rt: Runtime, surface: Surface
) -> None:
    attacker, owner = clients
    victim = surface.account(rt)
    for n in range(rt.settings.login_max_failures_per_ip):
        assert surface.attempt(attacker, f"someone{n}@example.pl", WRONG).status_code == 401
    refused = surface.attempt(attacker, victim, PASSWORD)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert surface.attempt(owner, victim, PASSWORD).status_code == 303


def test_p12_many_addresses_together_slow_an_account_down(app: FastAPI, rt: Runtime) -> None:
    rt.settings.login_max_failures_per_account = 6  # the hourly ceiling, small for the test
    me = _subscriber(rt)
    for n in range(3):
        with TestClient(app, client=(f"192.0.2.{n + 1}", 40000)) as bot:
            for _ in range(2):
                assert portal_login(bot, me, WRONG).status_code == 401
    with TestClient(app, client=OWNER) as owner:
        slowed = portal_login(owner, me)
        assert slowed.status_code == 429
        assert 0 < int(slowed.headers["retry-after"]) <= 3600  # a wait, not a lockout
        clock.advance(int(slowed.headers["retry-after"]))
        assert portal_login(owner, me).status_code == 303


def test_p12_counters_are_keyed_hashes(client: TestClient, rt: Runtime) -> None:
    me = _subscriber(rt)
    portal_login(client, me, WRONG)
    with rt.sessions() as s:
        keys = s.execute(select(LoginFailure.key_hash)).scalars().all()
    assert len(keys) == 3 and len(set(keys)) == 3  # account and address, account, address
    assert not any(part in k for k in keys for part in ("anna", "example", "testclient"))
    clock.advance(1)
    assert portal_login(client, me).status_code == 303
    with rt.sessions() as s:  # the pair's counter went; a "known address" mark came
        assert len(s.execute(select(LoginFailure.key_hash)).scalars().all()) == 3


def test_p12_an_address_the_owner_used_lately_is_not_held_by_the_ceiling(
    app: FastAPI, rt: Runtime
) -> None:
    rt.settings.login_max_failures_per_account = 6
    me = _subscriber(rt)
    with TestClient(app, client=OWNER) as owner:
        assert portal_login(owner, me).status_code == 303  # the owner's usual address
    for n in range(3):
        with TestClient(app, client=(f"192.0.2.{n + 1}", 40000)) as bot:
            for _ in range(2):
                assert portal_login(bot, me, WRONG).status_code == 401
    with TestClient(app, client=(f"192.0.2.{9}", 40000)) as stranger:
        assert portal_login(stranger, me, WRONG).status_code == 429  # the ceiling holds
    with TestClient(app, client=OWNER) as owner:
        assert portal_login(owner, me).status_code == 303  # but not for the owner


def test_p12_addresses_of_one_ipv6_network_share_their_counters(app: FastAPI, rt: Runtime) -> None:
    me = _subscriber(rt)
    for n in range(rt.settings.login_max_failures):
        with TestClient(app, client=(f"2001:db8:1:2::{n + 1}", 40000)) as bot:
            assert portal_login(bot, me, WRONG).status_code == 401
    with TestClient(app, client=("2001:db8:1:2::99", 40000)) as bot:
        assert portal_login(bot, me, WRONG).status_code == 429  # one /64: one back-off
    with TestClient(app, client=("2001:db8:1:3::1", 40000)) as other:
        assert portal_login(other, me).status_code == 303  # the next network is not held
