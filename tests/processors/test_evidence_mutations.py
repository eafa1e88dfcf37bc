"""P01, P04, P06, P07: the checks of what left the system turn red on realistic breaks.

Each test makes real hand-overs through the services (an order paid by card, a parcel
handed to the carrier), breaks one thing the way a bug or a careless change would, and
asserts that the check of that clause, by its title, fails and names the row.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from imbplus.billing.provider import PaymentDeclined
from imbplus.clock import clock
from imbplus.privacy import disclosure
from imbplus.privacy.catalog import Category, Purpose
from imbplus.privacy.disclosure import Disclosure
from imbplus.processors import service as processors
from imbplus.processors.models import Processor
from imbplus.runtime import Runtime
from tests.compliance.test_sharing import PARTNER, add_partner, customers_with_codes, export
from tests.support.evidence import check
from tests.support.factories import make_customer
from tests.support.shop import card, place_order, setup_shop

DECIDED = "Personal data left only to registered recipients, each time decided by the gate"
IN_CONTRACT = "Every hand-over fell within its processor's contract dates and scope"
ANONYMOUS = "Nothing identifiable went to a third party"
AUTHORITIES = "Authorities received data only on a recorded, approved legal basis"


@pytest.fixture
def handed(rt: Runtime) -> list[Disclosure]:
    """Card data to the payment provider, through a real order."""
    setup_shop(rt)
    place_order(rt, make_customer(rt).id)
    with rt.sessions() as s:
        rows = list(s.execute(select(Disclosure)).scalars())
    assert rows
    return rows


def _insert(rt: Runtime, **values: Any) -> int:
    row = {
        "at": clock.now(),
        "recipient_kind": "processor",
        "recipient_id": "sandbox-carrier",
        "contract_ref": "SANDBOX-SANDBOX-CARRIER",
        "purpose": "shipment_contact",
        "categories": "shipment_record",
        "fields": "name",
        "subject_id": None,
        "reference": "by hand",
        "actor": "nobody",
        "request_id": "by-hand",
        "sandbox": True,
    } | values
    with rt.sessions() as s:
        added = Disclosure(**row)
        s.add(added)
        s.commit()
        return added.id


def test_p01_p04_real_hand_overs_pass(rt: Runtime, handed: list[Disclosure]) -> None:
    assert check(rt, DECIDED)["status"] == "pass"
    result = check(rt, IN_CONTRACT)
    assert result["status"] == "pass" and result["figures"]["judged"] == len(handed)
    assert check(rt, ANONYMOUS)["status"] == "not_exercised"
    assert check(rt, AUTHORITIES)["status"] == "not_exercised"


def test_p01_a_declined_card_keeps_its_hand_over_and_the_decision(rt: Runtime) -> None:
    """The card left for authorization, then the order failed: the register row and the
    gate's decision both survive the rollback, so the check still sees a decided hand-over."""
    setup_shop(rt)
    customer = make_customer(rt)
    with pytest.raises(PaymentDeclined):
        place_order(rt, customer.id, card=card(number="4000 0000 0000 0002"))
    with rt.sessions() as s:
        assert s.execute(select(Disclosure.subject_id)).scalars().all() == [customer.id]
    assert check(rt, DECIDED)["status"] == "pass"


def test_p01_a_hand_over_to_an_unregistered_recipient_is_named(
    rt: Runtime, handed: list[Disclosure]
) -> None:
    row = _insert(rt, recipient_id="data-broker", request_id=handed[0].request_id)
    result = check(rt, DECIDED)
    assert result["status"] == "fail"
    assert f"unregistered recipients: [{row}]" in result["detail"]


def test_p01_a_hand_over_recorded_without_the_gate_is_named(
    rt: Runtime, handed: list[Disclosure]
) -> None:
    """A code path that records a hand-over without asking the gate first (`allow`)."""
    setup_processor = processors.list_all
    with rt.job("outbox", Purpose.SHIPMENT_CONTACT) as ctx:
        carrier = next(p for p in setup_processor(ctx) if p.kind == "carrier")
        bypass = disclosure.Allowed(
            carrier, (Category.SHIPMENT_RECORD,), ("name",), handed[0].subject_id, "bypass"
        )
        disclosure.record(ctx, bypass, sandbox=True)
    with rt.sessions() as s:
        row = s.execute(select(Disclosure.id).where(Disclosure.reference == "bypass")).scalar()
    result = check(rt, DECIDED)
    assert result["status"] == "fail"
    assert f"without a decision of the gate: [{row}]" in result["detail"]


def test_p04_hand_overs_after_a_contract_ended_are_named(
    rt: Runtime, handed: list[Disclosure]
) -> None:
    """The contract's end moved before hand-overs that went on (an expired contract)."""
    target = handed[0]
    with rt.sessions() as s:
        s.execute(
            update(Processor)
            .where(Processor.id == target.recipient_id)
            .values(valid_until=target.at - timedelta(days=1))
        )
        s.commit()
    result = check(rt, IN_CONTRACT)
    assert result["status"] == "fail"
    assert (
        f"hand-over {target.id} to {target.recipient_id}: outside the contract dates"
        in (result["detail"])
    )


def test_p04_card_data_handed_to_the_carrier_is_named(
    rt: Runtime, handed: list[Disclosure]
) -> None:
    row = _insert(rt, categories="payment_card", purpose="billing", request_id="x")
    result = check(rt, IN_CONTRACT)
    assert result["status"] == "fail"
    assert f"hand-over {row} to sandbox-carrier: beyond the contract's scope" in result["detail"]
    assert "payment_card:billing" in result["detail"]


def test_p04_a_hand_over_under_an_earlier_contract_is_counted_not_judged(
    rt: Runtime, handed: list[Disclosure]
) -> None:
    with rt.sessions() as s:  # every processor signed a new contract since
        s.execute(update(Processor).values(contract_ref=Processor.contract_ref + "-2027"))
        s.commit()
    result = check(rt, IN_CONTRACT)
    assert result["status"] == "not_exercised"
    assert result["figures"]["earlier"] == len(handed)


@pytest.fixture
def released(rt: Runtime, tmp_path: Path) -> Disclosure:
    """Customers, k-anonymous, to a registered market-research partner (a real export)."""
    customers_with_codes(rt, 12)
    add_partner(rt)
    export(rt, tmp_path / "customers.csv", k=5)
    with rt.sessions() as s:
        return s.execute(select(Disclosure)).scalar_one()


def test_p01_p06_a_real_anonymized_export_passes(rt: Runtime, released: Disclosure) -> None:
    assert check(rt, DECIDED)["status"] == "pass"
    result = check(rt, ANONYMOUS)
    assert result["status"] == "pass", result["detail"]
    assert result["figures"]["releases"] == 1 and result["figures"]["smallest_k"] >= 5


def test_p06_identifying_categories_to_a_third_party_are_named(
    rt: Runtime, released: Disclosure
) -> None:
    """Written by direct SQL, as a bug bypassing the register's refusal would: k is there,
    but the release held names and e-mail addresses."""
    row = _insert(
        rt, recipient_kind="third_party", recipient_id=PARTNER, purpose="market_research",
        categories="identity,contact,address", dataset="customers", k_anonymity=5,
    )  # fmt: skip
    result = check(rt, ANONYMOUS)
    assert result["status"] == "fail"
    assert (
        f"hand-over {row} to {PARTNER}: identifying categories (contact, identity)"
        in (result["detail"])
    )
    assert result["figures"]["identifiable"] == 1


def test_p06_a_release_without_k_to_a_third_party_is_named(
    rt: Runtime, released: Disclosure
) -> None:
    row = _insert(rt, recipient_kind="third_party", recipient_id=PARTNER, categories="address")
    result = check(rt, ANONYMOUS)
    assert result["status"] == "fail"
    assert f"hand-over {row} to {PARTNER}: not anonymized" in result["detail"]


def test_p06_a_release_recorded_with_k_1_is_named(rt: Runtime) -> None:
    """k = 1 is no anonymity at all: every row its own class."""
    row = _insert(
        rt, recipient_kind="third_party", recipient_id=PARTNER, categories="stb_activity",
        k_anonymity=1,
    )  # fmt: skip
    result = check(rt, ANONYMOUS)
    assert result["status"] == "fail" and f"hand-over {row} to {PARTNER}" in result["detail"]


def test_p01_a_release_to_an_unregistered_third_party_is_named(
    rt: Runtime, released: Disclosure
) -> None:
    row = _insert(
        rt, recipient_kind="third_party", recipient_id="unknown-agency", k_anonymity=5,
        request_id=released.request_id,
    )  # fmt: skip
    result = check(rt, DECIDED)
    assert result["status"] == "fail" and f"unregistered recipients: [{row}]" in result["detail"]


def test_p07_a_hand_over_to_an_authority_without_a_basis_is_named(rt: Runtime) -> None:
    row = _insert(rt, recipient_kind="authority", recipient_id="police")
    result = check(rt, AUTHORITIES)
    assert result["status"] == "fail" and f"hand-over {row} to police" in result["detail"]
