"""B05: breach signals from the audit log become incidents with a 72-hour clock."""

from __future__ import annotations

from fastapi.testclient import TestClient

from imbplus.clock import clock
from imbplus.compliance import evidence
from imbplus.customers import service as customers
from imbplus.errors import AccessDenied
from imbplus.privacy import incidents
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.runtime import Runtime
from imbplus.settings import Settings
from tests.staff.test_console import choose, csrf_of, login
from tests.support.cli import imbplus
from tests.support.factories import make_customer, make_staff


def _strict(settings: Settings) -> Runtime:
    return Runtime(
        settings.model_copy(update={"breach_mass_read_subjects": 5, "breach_denials": 3})
    )


def _scan(rt: Runtime) -> list[str]:
    with rt.job("incidents", Purpose.SECURITY) as ctx:
        return [i.kind for i in incidents.scan(ctx)]


def test_b05_mass_read_and_denial_burst_are_detected_once(settings: Settings) -> None:
    rt = _strict(settings)
    people = [make_customer(rt) for _ in range(7)]
    with rt.unit_of_work() as s:
        ctx = Context(s, rt, Actor.staff(42, ["support"]), Purpose.SERVICE_DELIVERY)
        customers.read_many(ctx, [p.id for p in people])
    for _ in range(4):
        try:
            with rt.unit_of_work() as s:
                ctx = Context(s, rt, Actor.staff(43, ["marketing"]), Purpose.MARKETING)
                customers.get(ctx, people[0].id)
        except AccessDenied:
            pass
    assert sorted(_scan(rt)) == ["denial_burst", "mass_read"]
    assert _scan(rt) == []  # the same signal is not recorded twice
    with rt.job("incidents", Purpose.SECURITY) as ctx:
        found = {i.kind: i for i in incidents.listing(ctx)}
    assert "staff:42 saw 7 customers" in found["mass_read"].summary
    assert found["mass_read"].severity == "high" and found["mass_read"].subjects_affected == 7
    rt.dispose()


def test_b05_the_72_hour_clock_fails_the_evidence_until_notified(settings: Settings) -> None:
    rt = _strict(settings)
    people = [make_customer(rt) for _ in range(6)]
    with rt.unit_of_work() as s:
        customers.read_many(
            Context(s, rt, Actor.staff(7, ["support"]), Purpose.SERVICE_DELIVERY),
            [p.id for p in people],
        )
    assert _scan(rt) == ["mass_read"]

    def check() -> str:
        report = evidence.run_all(rt)
        return next(c for c in report["checks"] if c["clause"] == "B05")["status"]

    assert check() == "pass"
    clock.advance(73 * 3600)
    assert check() == "fail"
    with rt.job("incidents", Purpose.SECURITY) as ctx:
        incident = incidents.listing(ctx)[0]
        incidents.update(ctx, incident.id, status="notified", note="reported to UODO, ref 1/26")
    assert check() == "pass"
    rt.dispose()


def test_b05_console_page_and_cli(client: TestClient, rt: Runtime, settings: Settings) -> None:
    dpo, _ = make_staff(rt, "dpo")
    login(client, dpo.username)
    choose(client, "security")
    page = client.get("/console/incidents")
    assert page.status_code == 200 and "No incidents" in page.text
    scanned = client.post("/console/incidents/scan", data={"csrf": csrf_of(page)})
    assert scanned.status_code == 200
    bad = client.post("/console/incidents/999", data={"csrf": csrf_of(page), "status": "closed"})
    assert bad.status_code == 404
    assert imbplus(settings, "incidents", "scan").returncode == 0
    wrong = imbplus(settings, "incidents", "update", "1", "--status", "solved")
    assert wrong.returncode == 2
