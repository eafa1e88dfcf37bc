"""The DPO's processors page (P04): contracts with their scope and validity, how often each
processor received what, and the register's entries, filterable; no personal values; other
roles are refused."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from imbplus.clock import clock
from imbplus.privacy.catalog import Purpose
from imbplus.processors import service as processors
from imbplus.runtime import Runtime
from tests.staff.test_console import login
from tests.support.factories import make_customer, make_staff
from tests.support.shop import VISA, place_order, setup_shop


def test_the_dpo_sees_contracts_totals_and_the_register(client: TestClient, rt: Runtime) -> None:
    setup_shop(rt)
    buyer = make_customer(rt)
    other = make_customer(rt)
    place_order(rt, buyer.id)
    now = clock.now()
    with rt.job("dpo", Purpose.SECURITY) as ctx:
        processors.register(
            ctx,
            processor_id="old-courier",
            name="Old Courier",
            kind="carrier",
            contract_ref="UP/2019/7",
            scope=["shipment_record:shipment_contact"],
            valid_from=now - timedelta(days=800),
            valid_until=now - timedelta(days=30),
        )
    dpo, _ = make_staff(rt, "dpo")
    login(client, dpo.username)
    page = client.get("/console/processors")
    assert page.status_code == 200
    text = page.text
    assert "Sandbox Payments" in text and "payment_card : billing" in text
    assert "in force" in text and "not in force: nothing is handed over" in text  # Old Courier
    assert f'href="/console/processors?subject={buyer.id}"' in text  # the payment hand-over
    for personal in (buyer.name, buyer.email, buyer.phone, VISA.replace(" ", "")):
        assert personal not in text
    mine = client.get("/console/processors", params={"subject": other.id})
    assert "No entries." in mine.text
    payments = client.get("/console/processors", params={"recipient": "sandbox-payments"})
    register = payments.text.split("<h2>Register")[1]
    assert "sandbox-payments" in register and "sandbox-carrier" not in register
    junk = client.get("/console/processors", params={"recipient": "<script>", "subject": "x"})
    assert junk.status_code == 200 and "<script>" not in junk.text


def test_other_roles_cannot_read_the_register(client: TestClient, rt: Runtime) -> None:
    setup_shop(rt)
    for role in ("support", "billing", "marketing"):
        staff, _ = make_staff(rt, role)
        client.cookies.clear()
        login(client, staff.username)
        assert client.get("/console/processors").status_code == 403
        assert 'href="/console/processors"' not in client.get("/console").text
