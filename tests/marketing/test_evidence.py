"""P03: the live checks of the campaigns turn red on the bugs they guard against."""

from __future__ import annotations

from pathlib import Path

import pytest

from imbplus.marketing import audience as aud
from imbplus.marketing import objections
from imbplus.privacy.access import Actor, Context, Gate
from imbplus.privacy.catalog import Action, Category, Purpose
from imbplus.runtime import Runtime
from tests.marketing.support import approved_campaign, send
from tests.support.evidence import check
from tests.support.factories import make_customer, make_staff

TO_OBJECTORS = "No marketing message was queued for a customer who had objected"
NO_CONTACT = "The marketing role holds no grant on contact data"


def _object(rt: Runtime, customer_id: str) -> None:
    with rt.unit_of_work() as s:
        ctx = Context(s, rt, Actor.customer(customer_id), Purpose.DATA_SUBJECT_REQUEST)
        objections.object_to_marketing(ctx, customer_id, "portal")


def test_p03_before_any_campaign_the_check_is_not_exercised(rt: Runtime) -> None:
    assert check(rt, TO_OBJECTORS)["status"] == "not_exercised"


def test_p03_a_campaign_that_left_out_the_objectors_passes(rt: Runtime) -> None:
    make_customer(rt)
    _object(rt, make_customer(rt).id)
    send(rt, approved_campaign(rt))
    result = check(rt, TO_OBJECTORS)
    assert result["status"] == "pass", result["detail"]
    assert result["figures"]["recipients"] == 1 and result["figures"]["objections"] == 1


def test_p03_a_send_that_forgot_the_objections_is_named(
    rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The audience's exclusion of objectors lost in a change: the objector is queued."""
    objector = make_customer(rt)
    _object(rt, objector.id)
    monkeypatch.setattr(aud.objections, "objected_among", lambda _s, _ids: set())
    send(rt, approved_campaign(rt))
    result = check(rt, TO_OBJECTORS)
    assert result["status"] == "fail"
    assert "went to a customer who had objected" in result["detail"]
    assert "recorded a customer who had objected" in result["detail"]
    assert result["figures"]["to_objectors"] == 2


def test_p03_an_objection_withdrawn_before_the_send_is_not_counted(rt: Runtime) -> None:
    back = make_customer(rt)
    _object(rt, back.id)
    with rt.unit_of_work() as s:
        objections.withdraw(
            Context(s, rt, Actor.customer(back.id), Purpose.DATA_SUBJECT_REQUEST), back.id
        )
    assert send(rt, approved_campaign(rt)).queued == 1
    assert check(rt, TO_OBJECTORS)["status"] == "pass"


def test_p03_the_marketing_role_without_contact_data_passes(rt: Runtime) -> None:
    result = check(rt, NO_CONTACT)
    assert result["status"] == "pass" and result["figures"] == {"rules": 0, "uses": 0}


def test_p03_a_rule_giving_marketing_the_e_mail_and_its_use_are_named(
    rt: Runtime, tmp_path: Path
) -> None:
    """A line added to the policy file, then a marketing employee reading an address."""
    widened = tmp_path / "access.csv"
    widened.write_text(rt.gate.policy_path.read_text() + "p, marketing, contact, marketing, read\n")
    rt.__dict__["gate"] = Gate(policy_path=widened)
    customer = make_customer(rt)
    staff, _ = make_staff(rt, "marketing")
    with rt.unit_of_work() as s:
        ctx = Context(s, rt, Actor.staff(staff.id, ["marketing"]), Purpose.MARKETING)
        ctx.check(
            Action.READ, {Category.CONTACT}, operation="campaign.list", subjects=[customer.id]
        )
    result = check(rt, NO_CONTACT)
    assert result["status"] == "fail"
    assert "the access policy lets marketing use contact for marketing (read)" in result["detail"]
    assert "a marketing employee used contact data" in result["detail"]
