"""P08: the check of shipment contact use turns red on realistic breaks, naming the row."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from imbplus.clock import clock
from imbplus.notify.models import OutboxMessage
from imbplus.privacy.access import Actor, Context, Gate
from imbplus.privacy.catalog import Action, Category, Purpose
from imbplus.runtime import Runtime
from tests.support.evidence import check
from tests.support.factories import make_customer, make_staff
from tests.support.shop import place_order, setup_shop

TITLE = "Shipment phone and e-mail were used for shipment contact only"


@pytest.fixture
def shipment(rt: Runtime) -> tuple[str, str]:
    """(customer id, shipment id) of a real order; reading it as shipping uses the contact."""
    setup_shop(rt)
    customer = make_customer(rt)
    sid = place_order(rt, customer.id).shipments[0].id
    staff, _ = make_staff(rt, "shipping")
    with rt.unit_of_work() as session:
        ctx = Context(session, rt, Actor.staff(staff.id, ["shipping"]), Purpose.SHIPMENT_CONTACT)
        ctx.check(
            Action.READ,
            {Category.SHIPMENT_CONTACT},
            operation="shipment.read",
            subjects=[customer.id],
        )
    return customer.id, sid


def test_p08_nothing_used_yet_is_not_exercised(rt: Runtime) -> None:
    assert check(rt, TITLE)["status"] == "not_exercised"


def test_p08_shipment_contact_used_for_shipments_passes(
    rt: Runtime, shipment: tuple[str, str]
) -> None:
    result = check(rt, TITLE)
    assert result["status"] == "pass" and result["figures"]["uses"] >= 1


def test_p08_a_rule_letting_marketing_use_it_and_its_use_are_named(
    rt: Runtime, shipment: tuple[str, str], tmp_path: Path
) -> None:
    """A role rule added to the policy file, then a marketing read it allowed."""
    base = rt.gate.policy_path
    widened = tmp_path / "access.csv"
    widened.write_text(base.read_text() + "p, marketing, shipment_contact, marketing, read\n")
    rt.__dict__["gate"] = Gate(policy_path=widened)
    staff, _ = make_staff(rt, "marketing")
    with rt.unit_of_work() as session:
        ctx = Context(session, rt, Actor.staff(staff.id, ["marketing"]), Purpose.MARKETING)
        ctx.check(
            Action.READ,
            {Category.SHIPMENT_CONTACT},
            operation="campaign.audience",
            subjects=[shipment[0]],
        )
    result = check(rt, TITLE)
    assert result["status"] == "fail"
    assert "the access policy lets marketing for marketing (read)" in result["detail"]
    assert "used it for marketing" in result["detail"]


def test_p08_a_message_to_the_shipment_phone_for_another_purpose_is_named(
    rt: Runtime, shipment: tuple[str, str]
) -> None:
    with rt.sessions() as s:
        message = OutboxMessage(
            customer_id=shipment[0],
            channel="sms",
            purpose=Purpose.MARKETING.value,
            category=Category.SHIPMENT_CONTACT.value,
            reference="promo:1",
            status="pending",
            attempts=0,
            next_attempt_at=clock.now(),
            created_at=clock.now(),
        )
        s.add(message)
        s.commit()
        mid = s.execute(
            select(OutboxMessage.id).where(OutboxMessage.reference == "promo:1")
        ).scalar_one()
    result = check(rt, TITLE)
    assert result["status"] == "fail"
    assert f"outbox message {mid} for marketing" in result["detail"]
