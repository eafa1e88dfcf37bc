"""P20, P11: a saved card is decided on before anything of it is decrypted, and payments are
shown only under a decision that covers card data."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from imbplus.billing import cards, invoices, payments
from imbplus.billing.models import Card, Invoice
from imbplus.clock import clock
from imbplus.errors import AccessDenied
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Action, Category, Purpose
from imbplus.privacy.models import AuditRecord
from imbplus.privacy.reveal import NotGranted
from imbplus.runtime import Runtime
from tests.support.factories import make_customer
from tests.support.shop import place_order, setup_shop
from tests.support.stored import watch_decryptions


@pytest.fixture
def saved(rt: Runtime) -> tuple[str, str]:
    """(customer id, order id) of an order paid with a card the customer saved."""
    clock.freeze(datetime(2026, 11, 10, 9, 0, tzinfo=UTC))
    setup_shop(rt)
    customer = make_customer(rt)
    return customer.id, place_order(rt, customer.id, ("pkg-start", 1)).id


def _card_and_invoice(s: Session, customer_id: str) -> tuple[Card, Invoice]:
    card = s.execute(select(Card).where(Card.customer_id == customer_id)).scalar_one()
    invoice = s.execute(select(Invoice).where(Invoice.customer_id == customer_id)).scalar_one()
    return card, invoice


def test_p20_a_charge_for_a_refused_role_stops_before_any_card_value_is_decrypted(
    rt: Runtime, saved: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    customer_id, _order = saved
    decrypted = watch_decryptions(monkeypatch)
    with pytest.raises(AccessDenied) as refused, rt.unit_of_work() as s:
        ctx = Context(s, rt, Actor.staff(9, ["support"]), Purpose.BILLING)
        card, invoice = _card_and_invoice(s, customer_id)
        payments.charge_invoice(ctx, invoice, card)  # used to open the masked number first
    assert refused.value.body()["category"] == "payment_card"
    assert decrypted.values == 0
    with rt.sessions() as s:
        denied = s.execute(
            select(AuditRecord).where(AuditRecord.action == "card.token")
        ).scalar_one()
    assert (denied.result, denied.subject_id) == ("denied", customer_id)


def test_p20_token_and_masked_number_come_out_under_one_audited_decision(
    rt: Runtime, saved: tuple[str, str]
) -> None:
    customer_id, _order = saved
    with rt.unit_of_work() as s:
        ctx = Context(s, rt, Actor.system("billing_run"), Purpose.BILLING)
        card, _invoice = _card_and_invoice(s, customer_id)
        token, masked = cards.for_charge(ctx, card)
    assert token and masked.endswith("4242") and "4242 4242" not in masked
    with rt.sessions() as s:
        [record] = s.execute(
            select(AuditRecord).where(AuditRecord.action == "card.token")
        ).scalars()
    assert (record.result, record.subject_id, record.categories) == (
        "allowed",
        customer_id,
        "payment_card",
    )


def test_p11_payments_are_shown_only_under_a_decision_covering_card_data(
    rt: Runtime, saved: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    customer_id, order_id = saved
    decrypted = watch_decryptions(monkeypatch)
    with rt.unit_of_work() as s:
        ctx = Context(s, rt, Actor.staff(9, ["billing"]), Purpose.BILLING)
        records_only = ctx.check(
            Action.READ, {Category.BILLING_RECORD}, operation="t", subjects=[customer_id]
        )
        with pytest.raises(NotGranted):
            invoices.payments_of(records_only, order_id=order_id)
        assert decrypted.values == 0
        with_cards = ctx.check(
            Action.READ,
            {Category.BILLING_RECORD, Category.PAYMENT_CARD},
            operation="t",
            subjects=[customer_id],
        )
        [payment] = invoices.payments_of(with_cards, order_id=order_id)
    assert payment.masked and payment.masked.endswith("4242")
    assert decrypted.values == 1
