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
from tests.staff.test_console import choose, login
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
    choose(client, "security")
    page = client.get("/console/processors")
    assert page.status_code == 200
    text = page.text
    assert "Sandbox Payments" in text and "payment_card : billing" in text
    assert "in force" in text and "not in force: nothing is handed over" in text  # Old Courier
    assert f'href="/console/processors?subject={buyer.id}"' in text  # the payment hand-over
    # the sandbox payment provider took the card: the page says nothing left this machine
    totals = text.split("<h2>Hand-overs so far")[1].split("<h2>")[0]
    assert '<tr class="sandbox"><td>sandbox-payments</td>' in totals
    assert "sandbox: nothing left this machine" in totals
    assert "<strong>sandbox</strong>: nothing left this machine" in text.split("<h2>Register")[-1]
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
        choose(client, rt.gate.purposes_for([role])[0].value)
        assert client.get("/console/processors").status_code == 403
        assert 'href="/console/processors"' not in client.get("/console").text


def test_the_dpo_registers_and_ends_a_contract(client: TestClient, rt: Runtime) -> None:
    from tests.staff.test_console import csrf_of

    dpo, _ = make_staff(rt, "dpo")
    login(client, dpo.username)
    choose(client, "security")
    page = client.get("/console/processors")
    form = {
        "csrf": csrf_of(page),
        "processor_id": "fast-courier",
        "name": "Fast Courier sp. z o.o.",
        "kind": "carrier",
        "contract_ref": "UP/2026/41",
        "scope": "shipment_record:shipment_contact\nshipment_contact:shipment_contact\n",
        "valid_from": "2026-01-01",
        "valid_until": "2031-01-01",
    }
    saved = client.post("/console/processors", data=form, follow_redirects=False)
    assert saved.status_code == 303
    with rt.job("check", Purpose.SECURITY) as ctx:
        info = processors.get(ctx, "fast-courier")
        assert info.valid_at(clock.now()) and len(info.scope) == 2
    bad = client.post(
        "/console/processors",
        data=form | {"scope": "payment_card:marketing\nnot-a-pair", "valid_until": "soon"},
    )
    assert bad.status_code == 422 and "valid_until: a date" in bad.text
    assert "Fast Courier sp. z o.o." in bad.text  # the form keeps what was typed
    wrong_scope = client.post("/console/processors", data=form | {"scope": "nothing:here"})
    assert wrong_scope.status_code == 422 and "scope:" in wrong_scope.text
    ended = client.post(
        "/console/processors/fast-courier/end",
        data={"csrf": csrf_of(page)},
        follow_redirects=False,
    )
    assert ended.status_code == 303
    with rt.job("check", Purpose.SECURITY) as ctx:
        assert not processors.get(ctx, "fast-courier").valid_at(clock.now())
        assert processors.get(ctx, "fast-courier").actor().scope == frozenset()
    assert (
        client.post("/console/processors/no-such/end", data={"csrf": csrf_of(page)}).status_code
        == 404
    )


def test_only_the_dpo_changes_contracts(client: TestClient, rt: Runtime) -> None:
    from tests.staff.test_console import csrf_of

    admin, _ = make_staff(rt, "admin")
    login(client, admin.username)
    choose(client, "security")
    home = client.get("/console")
    refused = client.post(
        "/console/processors",
        data={
            "csrf": csrf_of(home),
            "processor_id": "x-courier",
            "name": "X",
            "kind": "carrier",
            "contract_ref": "X/1",
            "scope": "shipment_record:shipment_contact",
            "valid_from": "2026-01-01",
            "valid_until": "2027-01-01",
        },
    )
    assert refused.status_code == 403
    with rt.job("check", Purpose.SECURITY) as ctx:
        assert "x-courier" not in [p.id for p in processors.list_all(ctx)]
