"""The console's menu comes from the access policy (P03, P11): for every role and every
purpose it may choose, a page is in the menu exactly when it opens. Never shown and
refused, never hidden and open."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from imbplus.privacy.catalog import Role
from imbplus.privacy.models import AuditRecord
from imbplus.runtime import Runtime
from imbplus.web import menu
from tests.support.console import choose, login
from tests.support.factories import make_staff

NAV = re.compile(r'<nav aria-label="[^"]*">(.*?)</nav>', re.S)


def _shown(page_html: str) -> set[str]:
    nav = NAV.search(page_html)
    assert nav, "no menu on the page"
    return set(re.findall(r'href="([^"]+)"', nav.group(1)))


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_p11_each_role_is_shown_exactly_the_pages_it_may_open(
    client: TestClient, rt: Runtime, role: str
) -> None:
    staff, _ = make_staff(rt, role)
    assert login(client, staff.username).status_code == 303
    purposes = rt.gate.purposes_for([role])
    assert purposes, f"{role} has no purpose"
    wrong: list[str] = []
    for purpose in purposes:
        assert choose(client, purpose.value).status_code == 303
        shown = _shown(client.get("/console").text)
        for page in menu.pages():
            before = _last_seq(rt)
            status = client.get(page.path, follow_redirects=False).status_code
            if (page.path in shown) != (status == 200):
                wrong.append(f"{purpose.value} {page.path}: shown={page.path in shown} {status}")
            # what the page read (or was refused) is recorded under the purpose chosen
            recorded = _purposes_since(rt, before, staff.id)
            if recorded - {purpose.value}:
                wrong.append(f"{purpose.value} {page.path}: recorded under {sorted(recorded)}")
    assert not wrong, f"{role}: " + "; ".join(wrong)


def _last_seq(rt: Runtime) -> int:
    with rt.sessions() as s:
        return int(s.execute(select(func.coalesce(func.max(AuditRecord.seq), 0))).scalar_one())


def _purposes_since(rt: Runtime, seq: int, staff_id: int) -> set[str]:
    with rt.sessions() as s:
        rows = s.execute(
            select(AuditRecord.purpose).where(
                AuditRecord.seq > seq,
                AuditRecord.actor_kind == "staff",
                AuditRecord.actor_id == str(staff_id),
            )
        ).scalars()
        return set(rows)


def test_p11_the_known_mismatches_are_gone(client: TestClient, rt: Runtime) -> None:
    """What was measured before the menu came from the policy."""
    cases = {
        ("shipping", "service_delivery"): ({"/console/devices"}, {"/console/shipments"}),
        ("marketing", "market_research"): ({"/console/surveys"}, {"/console/telemetry"}),
        ("dpo", "security"): ({"/console/audit", "/console/evidence"}, {"/console/feedback"}),
        ("dpo", "data_subject_request"): (
            {"/console/shipments", "/console/customers", "/console/privacy/inbox"},
            {"/console/feedback", "/console/evidence", "/console/billing"},
        ),
        ("support", "service_delivery"): (
            {"/console/customers", "/console/devices"},
            {"/console/billing", "/console/audit"},
        ),
    }
    for (role, purpose), (present, absent) in cases.items():
        staff, _ = make_staff(rt, role)
        client.cookies.clear()
        assert login(client, staff.username).status_code == 303
        assert choose(client, purpose).status_code == 303
        shown = _shown(client.get("/console").text)
        assert present <= shown and not absent & shown, (role, purpose, shown)


def test_p03_the_consents_page_records_the_purpose_chosen(client: TestClient, rt: Runtime) -> None:
    """It recorded `regulatory_compliance` whatever the purpose chosen was."""
    dpo, _ = make_staff(rt, "dpo")
    login(client, dpo.username)
    for purpose, status in (("data_subject_request", 200), ("security", 403)):
        choose(client, purpose)
        before = _last_seq(rt)
        assert client.get("/console/privacy/consents").status_code == status
        assert _purposes_since(rt, before, dpo.id) == {purpose}
