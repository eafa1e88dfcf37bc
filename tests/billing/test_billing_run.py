"""The monthly billing run: idempotent, numbers without gaps, retries of failed charges,
credit decisions from the payment history, and what erasure would keep."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from imbplus.billing import credit, invoices
from imbplus.billing.invoices import LineSpec
from imbplus.billing.models import Card, Invoice, Payment
from imbplus.billing.schemas import Buyer
from imbplus.clock import clock
from imbplus.errors import PurposeRequired
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.privacy.models import DataKeyVersion
from imbplus.runtime import Runtime
from imbplus.shop import billing_run
from imbplus.shop.models import Subscription
from tests.support.factories import api_headers, make_customer, make_staff
from tests.support.shop import card, place_order, setup_shop

NOV = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def shop_rt(rt: Runtime) -> Runtime:
    clock.freeze(NOV)
    setup_shop(rt)
    return rt


def _invoices(rt: Runtime) -> list[Invoice]:
    with rt.sessions() as s:
        return list(s.execute(select(Invoice).order_by(Invoice.year, Invoice.seq)).scalars())


def test_running_a_month_twice_bills_nothing_twice(shop_rt: Runtime) -> None:
    rt = shop_rt
    for _ in range(3):
        place_order(rt, make_customer(rt).id, ("pkg-start", 1))
    november = billing_run.run_month(rt, "2026-11")
    assert (november.subscriptions, november.invoiced, november.already_billed) == (3, 0, 3)
    clock.freeze(NOV + timedelta(days=25))
    december = billing_run.run_month(rt, "2026-12")
    assert (december.invoiced, december.paid) == (3, 3)
    again = billing_run.run_month(rt, "2026-12")
    assert (again.invoiced, again.already_billed) == (0, 3)
    found = _invoices(rt)
    assert [i.number for i in found] == [f"FV/2026/{n:06d}" for n in range(1, 7)]
    assert sorted(i.period or "" for i in found if i.kind == "subscription") == ["2026-12"] * 3
    assert all(i.status == "paid" for i in found)


def test_bad_month_is_refused() -> None:
    from imbplus.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        billing_run.month_bounds("2026-13")
    assert refused.value.details["fields"][0]["field"] == "month"


def test_a_declined_recurring_charge_is_retried_and_then_paid(shop_rt: Runtime) -> None:
    rt = shop_rt
    customer = make_customer(rt)
    place_order(rt, customer.id, ("pkg-family", 1), card=card("4000 0025 0000 3155", save=True))
    clock.freeze(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))
    report = billing_run.run_month(rt, "2026-12")
    assert (report.invoiced, report.declined) == (1, 1)
    [_, december] = _invoices(rt)
    assert december.status == "unpaid" and december.charge_attempts == 1
    assert december.next_charge_at == clock.now() + timedelta(hours=24)
    assert billing_run.retry_failed(rt).due == 0  # not yet
    clock.advance(24 * 3600)
    retried = billing_run.retry_failed(rt)
    assert (retried.due, retried.paid) == (1, 1)
    [_, december] = _invoices(rt)
    assert december.status == "paid" and december.charge_attempts == 2
    with rt.sessions() as s:
        attempts = s.execute(
            select(Payment.status, Payment.decline_code, Payment.attempt)
            .where(Payment.invoice_id == december.id)
            .order_by(Payment.attempt)
        ).all()
    assert attempts == [("declined", "try_again_later", 1), ("approved", None, 2)]


def test_a_card_that_keeps_declining_stops_after_the_last_retry(shop_rt: Runtime) -> None:
    rt = shop_rt
    place_order(
        rt, make_customer(rt).id, ("pkg-start", 1), card=card("4000000000000341", save=True)
    )
    clock.freeze(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))
    billing_run.run_month(rt, "2026-12")
    for hours in rt.settings.charge_retry_hours:
        clock.advance(hours * 3600)
        assert billing_run.retry_failed(rt).declined == 1
    clock.advance(30 * 86400)
    assert billing_run.retry_failed(rt).due == 0
    december = _invoices(rt)[-1]
    assert december.status == "unpaid" and december.next_charge_at is None
    assert december.charge_attempts == 1 + len(rt.settings.charge_retry_hours)


def test_invoice_numbers_have_no_gaps_when_an_invoice_is_rolled_back(shop_rt: Runtime) -> None:
    rt = shop_rt
    customer = make_customer(rt)
    buyer = Buyer(name="A B", street="ul. C 1", postal_code="00-001", city="D")
    line = [LineSpec("Usługa", 1, 1000, 2300)]

    def issue() -> None:
        with rt.job("billing_run", Purpose.BILLING) as ctx:
            invoices.issue(ctx, customer_id=customer.id, kind="order", lines=line, buyer=buyer)

    issue()
    with pytest.raises(RuntimeError), rt.job("billing_run", Purpose.BILLING) as ctx:
        invoices.issue(ctx, customer_id=customer.id, kind="order", lines=line, buyer=buyer)
        raise RuntimeError("the unit of work fails after the number was taken")
    issue()
    assert [i.seq for i in _invoices(rt)] == [1, 2]


def test_concurrent_issuers_get_dense_unique_numbers(shop_rt: Runtime) -> None:
    rt = shop_rt
    customer = make_customer(rt)
    buyer = Buyer(name="A B", street="ul. C 1", postal_code="00-001", city="D")
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(5):
                with rt.job("billing_run", Purpose.BILLING) as ctx:
                    invoices.issue(
                        ctx,
                        customer_id=customer.id,
                        kind="order",
                        lines=[LineSpec("Usługa", 1, 500, 2300)],
                        buyer=buyer,
                    )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [i.seq for i in _invoices(rt)] == list(range(1, 21))


def test_vat_is_split_from_gross_prices() -> None:
    from imbplus.money import pln, split_gross

    assert split_gross(12300, 2300) == (10000, 2300)
    assert split_gross(3999, 2300) == (3251, 748)
    assert pln(123456) == "1\u00a0234,56\u00a0zł"


def test_p03_credit_decision_from_payment_history_with_reasons(
    client: TestClient, shop_rt: Runtime
) -> None:
    rt = shop_rt
    customer = make_customer(rt)
    place_order(rt, customer.id, ("pkg-start", 1))
    _, billing = make_staff(rt, "billing")
    new = client.get(f"/api/v1/credit/{customer.id}", headers=api_headers(billing, "credit"))
    assert new.status_code == 200 and new.json()["eligible"] is False
    unmet = {r["code"] for r in new.json()["reasons"] if not r["met"]}
    assert unmet == {"payment_history", "tenure"}
    for month in ("2026-12", "2027-01", "2027-02"):
        start, _ = billing_run.month_bounds(month)
        clock.freeze(start + timedelta(hours=6))
        billing_run.run_month(rt, month)
    clock.freeze(datetime(2027, 2, 20, 9, 0, tzinfo=UTC))  # 102 days after the first payment
    _, billing = make_staff(rt, "billing")  # a fresh token: time moved
    later = client.get(f"/api/v1/credit/{customer.id}", headers=api_headers(billing, "credit"))
    assert later.json()["eligible"] is True, later.json()
    refused = client.get(f"/api/v1/credit/{customer.id}", headers=api_headers(billing, "billing"))
    assert refused.status_code == 400 and "credit purpose" in refused.json()["message"]
    _, support = make_staff(rt, "support")
    assert (
        client.get(
            f"/api/v1/credit/{customer.id}", headers=api_headers(support, "credit")
        ).status_code
        == 403
    )


def test_p03_the_customer_sees_the_same_reasons(shop_rt: Runtime) -> None:
    rt = shop_rt
    customer = make_customer(rt)
    place_order(rt, customer.id, ("pkg-start", 1))
    with rt.unit_of_work() as s:
        own = credit.decide(
            Context(s, rt, Actor.customer(customer.id), Purpose.CREDIT), customer.id
        )
        assert {r.code for r in own.reasons} >= {"account_active", "payment_history"}
        assert own.eligible is False
        with pytest.raises(PurposeRequired):
            credit.decide(Context(s, rt, Actor.customer(customer.id), Purpose.BILLING), customer.id)


def test_b01_erasure_keeps_invoices_for_tax_law_and_says_until_when(
    client: TestClient, shop_rt: Runtime
) -> None:
    rt = shop_rt
    customer = make_customer(rt)
    order = place_order(rt, customer.id)
    _, dpo = make_staff(rt, "dpo")
    dsr = api_headers(dpo, "data_subject_request")
    preview = client.get(f"/api/v1/customers/{customer.id}/erasure-preview", headers=dsr).json()
    [kept] = preview["kept"]
    assert (
        kept["kind"] == "billing_record" and kept["what"] == "1 invoices (buyer name and address)"
    )
    assert kept["kept_until"] == "2031-12-31" and "5 years" in kept["legal_basis"]
    assert any("saved cards" in e for e in preview["erased"])
    erased = client.post(f"/api/v1/customers/{customer.id}/erasure", headers=dsr)
    assert erased.status_code == 200, erased.text
    assert erased.json()["kept"][0]["until"] == "2031-12-31"
    assert "shop_billing_shipping" in erased.json()["erased"]
    _, billing = make_staff(rt, "billing")
    assert order.invoice is not None
    invoice = client.get(
        f"/api/v1/invoices/{order.invoice.id}", headers=api_headers(billing, "billing")
    ).json()
    assert invoice["buyer"]["name"] == customer.name  # kept under the retention key
    assert invoice["payments"][0]["masked"] is None  # under the customer's key: gone
    with rt.sessions() as s:
        card_row = s.execute(select(Card)).scalar_one()
        sub = s.execute(select(Subscription)).scalar_one()
        wrapped = s.execute(
            select(DataKeyVersion.wrapped).where(DataKeyVersion.key_id == card_row.key_id)
        ).scalars()
    assert card_row.status == "removed" and card_row.pan_ct is None
    assert all(w is None for w in wrapped) and sub.status == "cancelled"
    shipping = make_staff(rt, "shipping")[1]
    shipment = client.get(
        f"/api/v1/shipments/{order.shipments[0].id}",
        headers=api_headers(shipping, "shipment_contact"),
    ).json()
    assert shipment["recipient"]["name"] == customer.name and shipment["contact"] is None
