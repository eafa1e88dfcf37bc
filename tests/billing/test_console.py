"""Console pages for billing staff (P03 billing and credit, P20): recent orders and
invoices without personal values, an invoice with its masked payments and PDF, a
customer's billing account, the credit decision only for the credit purpose; other roles
and purposes see nothing."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from imbplus.billing.models import Invoice, Payment
from imbplus.runtime import Runtime
from imbplus.shop.models import Order
from tests.staff.test_console import choose, csrf_of, login
from tests.support.factories import make_customer, make_staff
from tests.support.shop import VISA, place_order, setup_shop

MASKED = "424242******4242"


def test_billing_staff_follow_an_order_to_its_invoice_and_the_customer_account(
    client: TestClient, rt: Runtime
) -> None:
    setup_shop(rt)
    customer = make_customer(rt)
    order = place_order(rt, customer.id)
    assert order.invoice is not None
    staff, _ = make_staff(rt, "billing")
    login(client, staff.username)
    choose(client, "billing")

    overview = client.get("/console/billing")
    assert overview.status_code == 200
    assert order.invoice.number in overview.text and f"/console/billing/orders/{order.id}" in (
        overview.text
    )
    for personal in (customer.name, customer.email, customer.address.street):
        assert personal not in overview.text  # lists carry ids, not people
    unpaid = client.get("/console/billing", params={"invoices_status": "unpaid"})
    assert order.invoice.number not in unpaid.text  # the checkout invoice is paid

    invoice = client.get(f"/console/billing/invoices/{order.invoice.id}")
    assert invoice.status_code == 200
    assert customer.name in invoice.text and MASKED in invoice.text
    assert VISA.replace(" ", "") not in invoice.text
    pdf = client.get(f"/console/billing/invoices/{order.invoice.id}/pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert re.search(rb"%PDF-1\.\d", pdf.content[:10])

    page = client.get(f"/console/billing/orders/{order.id}")
    assert page.status_code == 200
    assert order.invoice.number in page.text and order.lines[0].name in page.text
    assert "shown to shipping staff" in page.text  # parcels are read for shipment_contact
    assert order.shipments[0].parcel_id not in page.text

    account = client.get(f"/console/billing/customers/{customer.id}")
    assert account.status_code == 200
    assert customer.email in account.text and MASKED in account.text
    assert order.invoice.number in account.text


def test_the_credit_decision_needs_the_credit_purpose(client: TestClient, rt: Runtime) -> None:
    setup_shop(rt)
    customer = make_customer(rt)
    place_order(rt, customer.id)
    staff, _ = make_staff(rt, "billing")
    login(client, staff.username)
    choose(client, "billing")
    refused = client.get(f"/console/billing/credit/{customer.id}")
    assert refused.status_code == 400 and "credit purpose" in refused.text
    choose(client, "credit")
    decision = client.get(f"/console/billing/credit/{customer.id}")
    assert decision.status_code == 200
    assert "not eligible" in decision.text  # one paid invoice, a new customer
    assert "1 paid invoices (at least 3 needed)" in decision.text
    assert customer.email not in decision.text
    # the credit purpose reads no invoices or cards
    assert client.get(f"/console/billing/customers/{customer.id}").status_code == 403


def test_other_roles_and_purposes_see_no_billing(client: TestClient, rt: Runtime) -> None:
    setup_shop(rt)
    customer = make_customer(rt)
    order = place_order(rt, customer.id)
    with rt.sessions() as s:
        invoice_id = s.execute(select(Invoice.id)).scalar_one()
    for role, purpose in (("support", "service_delivery"), ("marketing", "marketing")):
        staff, _ = make_staff(rt, role)
        client.cookies.clear()
        login(client, staff.username)
        choose(client, purpose)
        for url in (
            "/console/billing",
            f"/console/billing/invoices/{invoice_id}",
            f"/console/billing/orders/{order.id}",
            f"/console/billing/customers/{customer.id}",
        ):
            refused = client.get(url)
            assert refused.status_code == 403, (role, url)
            assert customer.name not in refused.text and MASKED not in refused.text
        assert 'href="/console/billing"' not in client.get("/console").text


def test_unknown_invoice_and_order_ids_are_not_found(client: TestClient, rt: Runtime) -> None:
    setup_shop(rt)
    staff, _ = make_staff(rt, "billing")
    login(client, staff.username)
    choose(client, "billing")
    assert client.get("/console/billing/invoices/not-an-id").status_code == 404
    assert (
        client.get("/console/billing/orders/00000000-0000-4000-8000-000000000000").status_code
        == 404
    )


def _phone_order(client: TestClient, customer_id: str, **fields: str) -> tuple[str, dict[str, str]]:
    url = f"/console/billing/customers/{customer_id}/order"
    form = client.get(url)
    assert form.status_code == 200
    key = re.search(r'name="key" value="([^"]+)"', form.text)
    assert key is not None
    data = {"csrf": csrf_of(form), "key": key.group(1), **fields}
    return url, data


def _orders(rt: Runtime) -> list[Order]:
    with rt.sessions() as s:
        return list(s.execute(select(Order)).scalars())


def test_billing_staff_take_an_order_by_phone(client: TestClient, rt: Runtime) -> None:
    setup_shop(rt)
    customer = make_customer(rt)
    staff, _ = make_staff(rt, "billing")
    login(client, staff.username)
    choose(client, "billing")
    card = {"card_number": VISA, "exp_month": "12", "exp_year": "2030", "cvv": "902"}
    url, data = _phone_order(client, customer.id, stb="stb-4k-x2", package="pkg-family", **card)
    data["save_card"] = "true"
    placed = client.post(url, data=data, follow_redirects=False)
    assert placed.status_code == 303
    page = client.get(placed.headers["location"])
    assert "Order placed and paid" in page.text and "shipment created" in page.text
    assert MASKED in page.text and VISA.replace(" ", "") not in page.text
    again = client.post(url, data=data, follow_redirects=False)  # a double click: same key
    assert again.headers["location"] == placed.headers["location"]
    [order] = _orders(rt)
    assert order.placed_by == f"staff:{staff.id}" and order.customer_id == customer.id
    # the saved card is offered next time, masked
    assert MASKED in client.get(url).text


def test_a_refused_phone_order_leaves_nothing_and_echoes_no_card(
    client: TestClient, rt: Runtime
) -> None:
    setup_shop(rt)
    customer = make_customer(rt)
    staff, _ = make_staff(rt, "billing")
    login(client, staff.username)
    choose(client, "billing")
    declined = "4000 0000 0000 0002"
    cases = [
        ({"package": "pkg-family", "card_number": declined, "cvv": "902"}, 402, "declined"),
        (
            {"package": "pkg-family", "card_number": "4242 4242 4242 4241", "cvv": "902"},
            422,
            "card.number",
        ),
        ({"package": "no-such-product", "card_number": VISA, "cvv": "902"}, 422, "product"),
        ({"card_number": VISA, "cvv": "902"}, 422, "choose a box, a package or both"),
        ({"package": "pkg-family", "card_number": VISA, "cvv": "9"}, 422, "card.cvv"),
    ]
    for fields, status, named in cases:
        url, data = _phone_order(client, customer.id, exp_month="12", exp_year="2030", **fields)
        refused = client.post(url, data=data)
        assert refused.status_code == status, (fields, refused.text[-500:])
        assert named in refused.text
        assert fields["card_number"] not in refused.text
        assert fields["card_number"].replace(" ", "") not in refused.text
        assert 'value="902"' not in refused.text
    assert _orders(rt) == []
    with rt.sessions() as s:
        assert s.execute(select(Invoice)).first() is None
        assert s.execute(select(Payment).where(Payment.status == "approved")).first() is None


def test_billing_staff_charge_an_unpaid_invoice_now(client: TestClient, rt: Runtime) -> None:
    from datetime import UTC, datetime

    from imbplus.clock import clock
    from imbplus.shop import billing_run
    from tests.support.shop import card

    clock.freeze(datetime(2026, 11, 10, 9, 0, tzinfo=UTC))
    setup_shop(rt)
    later = make_customer(rt)  # first recurring charge declined, the next one approved
    place_order(rt, later.id, ("pkg-family", 1), card=card("4000 0025 0000 3155", save=True))
    never = make_customer(rt)  # every recurring charge declined
    place_order(rt, never.id, ("pkg-start", 1), card=card("4000000000000341", save=True))
    clock.freeze(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))
    assert billing_run.run_month(rt, "2026-12").declined == 2
    with rt.sessions() as s:
        unpaid = dict(
            s.execute(
                select(Invoice.customer_id, Invoice.id).where(Invoice.status == "unpaid")
            ).all()
        )
    staff, _ = make_staff(rt, "billing")
    login(client, staff.username)
    choose(client, "billing")
    for customer_id, outcome, shown in (
        (later.id, "paid", "Charged: the invoice is paid."),
        (never.id, "declined", "The card was declined"),
    ):
        url = f"/console/billing/invoices/{unpaid[customer_id]}"
        page = client.get(url)
        assert "Charge the saved card now" in page.text
        charged = client.post(f"{url}/charge", data={"csrf": csrf_of(page)}, follow_redirects=False)
        assert charged.headers["location"] == f"{url}?charged={outcome}"
        assert shown in client.get(charged.headers["location"]).text
    paid_page = client.get(f"/console/billing/invoices/{unpaid[later.id]}")
    assert "Charge the saved card now" not in paid_page.text
    again = client.post(
        f"/console/billing/invoices/{unpaid[later.id]}/charge", data={"csrf": csrf_of(paid_page)}
    )
    assert again.status_code == 409 and "already paid" in again.text
    with rt.sessions() as s:
        attempts = s.execute(
            select(Payment.status).where(Payment.invoice_id == unpaid[later.id])
        ).scalars()
        assert sorted(attempts) == ["approved", "declined"]
