"""B04: a check with nothing to look at says so (`not exercised`, never a pass), and turns to
pass once the system has done what it guards; the CLI and the report count it apart."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from imbplus.clock import clock
from imbplus.compliance import evidence, rights
from imbplus.customers import service as customers
from imbplus.devices import service as devices
from imbplus.devices.schemas import StbCredentialsSet
from imbplus.privacy import incidents
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.runtime import Runtime
from imbplus.settings import Settings
from imbplus.surveys import invitations
from imbplus.traffic.writer import RequestLogWriter
from tests.shipping.test_p09_sealing import move, new_shipment
from tests.site.test_contact import ask
from tests.support.cli import imbplus
from tests.support.factories import make_customer, make_staff
from tests.support.shop import setup_shop


def _status(rt: Runtime, title: str) -> tuple[str, str]:
    found = [c for c in evidence.run_all(rt)["checks"] if c["title"] == title]
    assert found, title
    return found[0]["status"], found[0]["detail"]


def _seal_one(client: TestClient, rt: Runtime) -> None:
    setup_shop(rt)
    move(client, make_staff(rt, "shipping")[1], new_shipment(rt), "handed_over", "delivered")


def _set_a_pin(rt: Runtime) -> None:
    customer = make_customer(rt)
    with rt.unit_of_work() as s:
        ctx = Context(s, rt, Actor.customer(customer.id), Purpose.SERVICE_DELIVERY)
        devices.set_stb_credentials(ctx, customer.id, StbCredentialsSet(pin="7391"))


def _opt_out(rt: Runtime) -> None:
    customer = make_customer(rt)
    with rt.unit_of_work() as s:
        ctx = Context(s, rt, Actor.customer(customer.id), Purpose.MARKET_RESEARCH)
        invitations.opt_out(ctx, customer.id)


def _log_requests(rt: Runtime) -> None:
    writer = RequestLogWriter(rt)
    writer.record(clock.now_us(), "192.0.2.10", "GET", "/", 200, [])
    writer.flush()


def _ask_a_question(client: TestClient, _rt: Runtime) -> None:
    assert ask(client)[0] == 303


def _record_an_incident(rt: Runtime) -> None:
    signal = incidents.Signal("denial_burst", "test:1", "a test signal", "low", 0)
    with rt.job("tests", Purpose.SECURITY) as ctx:
        incidents.record(ctx, signal)


def _open_a_request(rt: Runtime) -> None:
    customer = make_customer(rt)
    with rt.unit_of_work() as s:
        ctx = Context(s, rt, Actor.staff(1, ["dpo"]), Purpose.DATA_SUBJECT_REQUEST)
        rights.open_request(ctx, customer.id, "access", "email")


def _erase_someone(rt: Runtime) -> None:
    customer = make_customer(rt)
    with rt.job("erasure", Purpose.DATA_SUBJECT_REQUEST) as ctx:
        customers.erase(ctx, customer.id)


CASES: dict[str, Callable[[TestClient, Runtime], None]] = {
    "Sealed shipment records are guarded by the database and their hashes hold": _seal_one,
    "Box PINs and passwords are kept only as argon2id hashes": lambda _c, rt: _set_a_pin(rt),
    "No customer who opted out has a survey invitation waiting": lambda _c, rt: _opt_out(rt),
    "Full client addresses are gone after their short period": lambda _c, rt: _log_requests(rt),
    "Statistics see only masked networks (IPv4 /24, IPv6 /48)": lambda _c, rt: _log_requests(rt),
    "Privacy questions are answered within one month": _ask_a_question,
    "No breach has passed its 72-hour notification clock": lambda _c, rt: _record_an_incident(rt),
    "Data-subject requests are answered within one month": lambda _c, rt: _open_a_request(rt),
    "Every erased customer is in the erasure journal a restore replays": lambda _c, rt: (
        _erase_someone(rt)
    ),
}


@pytest.mark.parametrize("title", sorted(CASES))
def test_b04_a_check_with_nothing_to_look_at_is_not_exercised_then_passes(
    client: TestClient, rt: Runtime, title: str
) -> None:
    status, detail = _status(rt, title)
    assert status == "not_exercised" and detail.startswith("not exercised:")
    CASES[title](client, rt)
    assert _status(rt, title)[0] == "pass"


def test_b04_not_exercised_is_counted_apart_and_never_as_a_pass(
    rt: Runtime, settings: Settings
) -> None:
    report = evidence.run_all(rt)
    summary = report["summary"]
    idle = [c for c in report["checks"] if c["status"] == "not_exercised"]
    assert summary["not_exercised"] == len(idle) >= len(CASES) - 1
    assert summary["passed"] + summary["failed"] + summary["not_exercised"] == summary["checks"]
    shown = imbplus(settings, "evidence")
    assert f"{len(idle)} not exercised" in shown.stdout


def test_p21_a_masked_value_with_host_bits_is_not_a_network(rt: Runtime) -> None:
    _log_requests(rt)
    with rt.engine.begin() as conn:
        conn.execute(text("UPDATE request_log_masked SET network = '83.12.3.45/24'"))
    status, detail = _status(rt, "Statistics see only masked networks (IPv4 /24, IPv6 /48)")
    assert status == "fail" and "83.12.3.45/24" in detail


def test_b01_a_request_answered_late_fails(rt: Runtime) -> None:
    _open_a_request(rt)
    clock.advance(40 * 86_400)
    with rt.unit_of_work() as s:
        ctx = Context(s, rt, Actor.staff(1, ["dpo"]), Purpose.DATA_SUBJECT_REQUEST)
        [request] = rights.open_requests(ctx)
        rights.close_request(ctx, request.id, status="done", outcome="export sent")
    status, detail = _status(rt, "Data-subject requests are answered within one month")
    assert status == "fail" and "answered after their deadline" in detail
