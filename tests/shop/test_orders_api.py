"""Orders through the API: P20 card checkout, idempotency, and every kind of bad input
leaves no half-made order, payment or invoice."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from imbplus.billing.models import Card, Invoice, InvoiceCounter, Payment
from imbplus.notify.models import OutboxMessage
from imbplus.privacy.disclosure import Disclosure
from imbplus.privacy.models import AuditRecord
from imbplus.runtime import Runtime
from imbplus.shipping.models import Shipment
from imbplus.shop.models import Order, OrderLine, OrderRequest, Subscription
from tests.support.factories import api_headers, make_customer, make_staff
from tests.support.shop import card, idempotency_key, order_body, setup_shop

WRITTEN = (Order, OrderLine, OrderRequest, Payment, Invoice, Shipment, Subscription, Card)


@pytest.fixture
def billing(rt: Runtime) -> str:
    setup_shop(rt)
    return make_staff(rt, "billing")[1]


def headers(token: str, key: str | None = None, purpose: str = "billing") -> dict[str, str]:
    return {**api_headers(token, purpose), "Idempotency-Key": key or idempotency_key()}


def counts(rt: Runtime) -> dict[str, int]:
    with rt.sessions() as s:
        return {
            m.__tablename__: int(s.execute(select(func.count()).select_from(m)).scalar_one())
            for m in (*WRITTEN, OutboxMessage, InvoiceCounter)
        }


def test_p20_staff_order_by_phone_is_paid_invoiced_and_shipped(
    client: TestClient, rt: Runtime, billing: str
) -> None:
    customer = make_customer(rt)
    response = client.post("/api/v1/orders", json=order_body(customer.id), headers=headers(billing))
    assert response.status_code == 201, response.text
    order = response.json()
    assert order["payment"] == {
        "status": "approved",
        "brand": "visa",
        "masked": "424242******4242",
        "amount_gross": 42933,  # the box and 13/30 of the package's month
    }
    assert order["invoice"]["number"].startswith("FV/")
    assert order["shipments"] == []  # billing staff do not read shipment records
    assert order["subscriptions"][0]["product_id"] == "pkg-family"
    cards = client.get(
        "/api/v1/cards",
        params={"customer_id": customer.id},
        headers=api_headers(billing, "billing"),
    )
    assert [c["masked"] for c in cards.json()] == ["424242******4242"]
    invoice = client.get(
        f"/api/v1/invoices/{order['invoice']['id']}", headers=api_headers(billing, "billing")
    ).json()
    assert invoice["gross_total"] == 42933
    assert invoice["net_total"] + invoice["vat_total"] == 42933
    assert invoice["vat_total"] == 7461 + 567  # 23% inside 399.00 and 30.33
    assert invoice["buyer"]["name"] == customer.name and invoice["status"] == "paid"


def test_p20_card_data_is_for_billing_only(client: TestClient, rt: Runtime, billing: str) -> None:
    customer = make_customer(rt)
    client.post("/api/v1/orders", json=order_body(customer.id), headers=headers(billing))
    _, support = make_staff(rt, "support")
    for token, purpose in ((support, "service_delivery"), (billing, "credit")):
        refused = client.get(
            "/api/v1/cards",
            params={"customer_id": customer.id},
            headers=api_headers(token, purpose),
        )
        assert refused.status_code == 403
        assert refused.json()["category"] == "payment_card"


def test_duplicate_submission_with_the_same_key_returns_the_first_order(
    client: TestClient, rt: Runtime, billing: str
) -> None:
    customer = make_customer(rt)
    key = idempotency_key()
    body = order_body(customer.id)
    first = client.post("/api/v1/orders", json=body, headers=headers(billing, key))
    again = client.post("/api/v1/orders", json=body, headers=headers(billing, key))
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and again.json()["replayed"] is True
    assert counts(rt)["orders"] == 1 and counts(rt)["payments"] == 1
    changed = client.post(
        "/api/v1/orders",
        json=order_body(customer.id, ("stb-hd-s1", 1)),
        headers=headers(billing, key),
    )
    assert changed.status_code == 409
    assert changed.json()["error"] == "idempotency_key_reused"
    assert counts(rt)["orders"] == 1


def test_missing_idempotency_key_is_refused(client: TestClient, rt: Runtime, billing: str) -> None:
    customer = make_customer(rt)
    response = client.post(
        "/api/v1/orders", json=order_body(customer.id), headers=api_headers(billing, "billing")
    )
    assert response.status_code == 422
    assert response.json()["fields"][0]["field"] == "Idempotency-Key"


BAD = [
    pytest.param(
        {"card": card("4242 4242 4242 4241")}, 422, "card.number", "check digit", id="luhn"
    ),
    pytest.param({"card": card("4242 4242 4242")}, 422, "card.number", "digits", id="length"),
    pytest.param(
        {"card": card("6011 1111 1111 1117")}, 422, "card.number", "brand", id="unknown-brand"
    ),
    pytest.param({"card": card(exp_year=2020)}, 422, "card.exp_year", "expired", id="expired"),
    pytest.param({"card": card(cvv="12")}, 422, "card.cvv", "3 or 4 digits", id="short-cvv"),
    pytest.param(
        {"card": card("3782 822463 10005", cvv="123")}, 422, "card.cvv", "4 digits", id="amex-cvv"
    ),
    pytest.param(
        {"lines": [{"product_id": "stb-4k-x2", "quantity": -1}]},
        422,
        "lines.0.quantity",
        "too small",
        id="negative-quantity",
    ),
    pytest.param(
        {"lines": [{"product_id": "stb-8k-z9", "quantity": 1}]},
        422,
        "lines.0.product_id",
        "unknown product",
        id="unknown-product",
    ),
    pytest.param(
        {"lines": [{"product_id": "pkg-start", "quantity": 2}]},
        422,
        "lines.0.quantity",
        "once",
        id="two-of-a-package",
    ),
    pytest.param({"lines": []}, 422, "lines", "at least 1", id="no-lines"),
    pytest.param(
        {"card": None, "card_id": None}, 422, "body", "exactly one of card", id="no-payment"
    ),
]


@pytest.mark.parametrize(("change", "status", "field", "problem"), BAD)
def test_bad_order_input_names_the_field_and_writes_nothing(
    client: TestClient,
    rt: Runtime,
    billing: str,
    change: dict[str, object],
    status: int,
    field: str,
    problem: str,
) -> None:
    customer = make_customer(rt)
    before = counts(rt)
    body = {**order_body(customer.id), **change}
    if body.get("card") is None:
        body.pop("card", None)
    if body.get("card_id") is None:
        body.pop("card_id", None)
    response = client.post("/api/v1/orders", json=body, headers=headers(billing))
    assert response.status_code == status, response.text
    fields = response.json()["fields"]
    assert any(f["field"] == field and problem in f["problem"] for f in fields), fields
    assert counts(rt) == before


@pytest.mark.parametrize(
    ("number", "status", "error", "code"),
    [
        ("4000 0000 0000 0002", 402, "payment_declined", "card_declined"),
        ("4000 0000 0000 9995", 402, "payment_declined", "insufficient_funds"),
        ("4000 0000 0000 0119", 504, "payment_timeout", None),
    ],
)
def test_declined_and_timed_out_payments_leave_only_the_evidence(
    client: TestClient,
    rt: Runtime,
    billing: str,
    number: str,
    status: int,
    error: str,
    code: str | None,
) -> None:
    customer = make_customer(rt)
    before = counts(rt)
    response = client.post(
        "/api/v1/orders",
        json=order_body(customer.id, card=card(number, save=True)),
        headers=headers(billing),
    )
    assert response.status_code == status, response.text
    assert response.json()["error"] == error
    assert response.json().get("decline_code") == code
    assert counts(rt) == before  # no order, payment, invoice, number, card or message
    with rt.sessions() as s:
        handed = s.execute(select(Disclosure).where(Disclosure.subject_id == customer.id)).scalars()
        assert [(d.recipient_id, d.categories) for d in handed] == [
            ("sandbox-payments", "billing_record,payment_card")
        ]
        failure = s.execute(
            select(AuditRecord).where(AuditRecord.action == "payment.authorize")
        ).scalar_one()
        assert failure.result == "error" and failure.subject_id == customer.id


def test_an_order_for_a_suspended_customer_is_refused(
    client: TestClient, rt: Runtime, billing: str
) -> None:
    customer = make_customer(rt)
    with rt.engine.begin() as conn:
        conn.execute(
            text("UPDATE customers SET status = 'suspended' WHERE id = :id"), {"id": customer.id}
        )
    before = counts(rt)
    response = client.post("/api/v1/orders", json=order_body(customer.id), headers=headers(billing))
    assert response.status_code == 409
    assert response.json()["error"] == "customer_suspended"
    assert response.json()["field"] == "customer_id"
    assert counts(rt) == before


def test_an_order_for_an_unknown_customer_is_404(client: TestClient, billing: str) -> None:
    response = client.post(
        "/api/v1/orders",
        json=order_body("00000000-0000-4000-8000-000000000000"),
        headers=headers(billing),
    )
    assert response.status_code == 404


def test_p03_ordering_needs_the_billing_purpose_and_role(
    client: TestClient, rt: Runtime, billing: str
) -> None:
    customer = make_customer(rt)
    _, support = make_staff(rt, "support")
    for token, purpose in ((support, "service_delivery"), (billing, "marketing")):
        refused = client.post(
            "/api/v1/orders", json=order_body(customer.id), headers=headers(token, purpose=purpose)
        )
        assert refused.status_code == 403
    assert counts(rt)["orders"] == 0


def test_pay_with_a_saved_card(client: TestClient, rt: Runtime, billing: str) -> None:
    customer = make_customer(rt)
    first = client.post("/api/v1/orders", json=order_body(customer.id), headers=headers(billing))
    card_id = first.json()["subscriptions"][0]["card_id"]
    second = client.post(
        "/api/v1/orders",
        json={
            "customer_id": customer.id,
            "lines": [{"product_id": "stb-hd-s1", "quantity": 2}],
            "card_id": card_id,
        },
        headers=headers(billing),
    )
    assert second.status_code == 201, second.text
    assert second.json()["payment"]["masked"] == "424242******4242"
    assert second.json()["total_gross"] == 2 * 19900
    with rt.sessions() as s:
        assert s.execute(select(func.count()).select_from(Shipment)).scalar_one() == 3
