"""P03, P11: role x purpose x category decisions, always audited; refusals survive rollback."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from imbplus.errors import AccessDenied
from imbplus.privacy.access import Actor, Context, Gate
from imbplus.privacy.catalog import Action, ActorKind, Category, Purpose
from imbplus.privacy.models import AuditRecord
from imbplus.runtime import Runtime

C, P, A = Category, Purpose, Action


@pytest.mark.parametrize(
    ("role", "category", "purpose", "action", "allowed"),
    [
        ("support", C.CONTACT, P.SERVICE_DELIVERY, A.READ, True),
        ("support", C.PAYMENT_CARD, P.SERVICE_DELIVERY, A.READ, False),
        ("support", C.CONTACT, P.MARKETING, A.READ, False),
        ("billing", C.PAYMENT_CARD, P.BILLING, A.READ, True),
        ("billing", C.PAYMENT_CARD, P.MARKETING, A.READ, False),
        ("marketing", C.CONTACT, P.MARKETING, A.READ, False),  # P03: counts, not addresses
        ("marketing", C.REFERENCE, P.MARKETING, A.READ, True),
        ("system:marketing", C.CONTACT, P.MARKETING, A.READ, True),  # the send job
        ("marketing", C.SHIPMENT_CONTACT, P.MARKETING, A.READ, False),  # P08
        ("marketing", C.ADDRESS, P.MARKETING, A.READ, False),
        ("shipping", C.SHIPMENT_CONTACT, P.SHIPMENT_CONTACT, A.READ, True),
        ("shipping", C.CONTACT, P.SERVICE_DELIVERY, A.READ, False),
        ("analyst", C.IDENTITY, P.MARKET_RESEARCH, A.READ, False),
        ("analyst", C.STB_ACTIVITY, P.MARKET_RESEARCH, A.READ, True),
        ("dpo", C.IDENTITY, P.DATA_SUBJECT_REQUEST, A.EXPORT, True),
        ("dpo", C.AUDIT_RECORD, P.SECURITY, A.READ, True),
        ("admin", C.IDENTITY, P.SECURITY, A.READ, False),
        ("admin", C.AUDIT_RECORD, P.SECURITY, A.READ, False),
        ("admin", C.STAFF_ACCOUNT, P.SECURITY, A.WRITE, True),
        ("support", C.IDENTITY, P.SERVICE_DELIVERY, A.DELETE, False),
    ],
)
def test_p11_policy_decisions(
    role: str, category: Category, purpose: Purpose, action: Action, allowed: bool
) -> None:
    assert Gate().allows(role, category, purpose, action) is allowed


def _records(rt: Runtime) -> list[AuditRecord]:
    with rt.sessions() as s:
        return list(s.execute(select(AuditRecord).order_by(AuditRecord.seq)).scalars())


def test_p11_allowed_access_is_audited_per_subject(rt: Runtime) -> None:
    before = len(_records(rt))
    with rt.unit_of_work() as s:
        ctx = Context(s, rt, Actor.staff(7, ["support"]), Purpose.SERVICE_DELIVERY, "req-1")
        ctx.check(
            Action.READ, {C.IDENTITY, C.CONTACT}, operation="customer.read", subjects=["c-1", "c-2"]
        )
    new = _records(rt)[before:]
    assert [(r.subject_id, r.result, r.actor_role, r.purpose, r.categories) for r in new] == [
        ("c-1", "allowed", "support", "service_delivery", "contact,identity"),
        ("c-2", "allowed", "support", "service_delivery", "contact,identity"),
    ]
    assert all(r.actor_id == "7" and r.request_id == "req-1" for r in new)


def test_p11_a_refusal_is_audited_even_though_the_work_rolls_back(rt: Runtime) -> None:
    before = len(_records(rt))
    with pytest.raises(AccessDenied) as refused, rt.unit_of_work() as s:
        ctx = Context(s, rt, Actor.staff(3, ["marketing"]), Purpose.MARKETING, "req-2")
        ctx.check(Action.READ, {C.REFERENCE}, operation="customer.read", subjects=["c-9"])
        ctx.check(Action.READ, {C.ADDRESS}, operation="customer.read", subjects=["c-9"])
    body = refused.value.body()
    assert body["role"] == "marketing" and body["purpose"] == "marketing"
    assert body["category"] == "address"
    new = _records(rt)[before:]
    # the allowed decision rolled back with the work; the refusal is kept
    assert [(r.result, r.subject_id, r.reason) for r in new] == [
        ("denied", "c-9", "not allowed by the access policy: address")
    ]


def test_p11_customers_reach_only_their_own_record(rt: Runtime) -> None:
    with rt.unit_of_work() as s:
        me = Context(s, rt, Actor.customer("c-1"), Purpose.SERVICE_DELIVERY)
        me.check(Action.READ, {C.CONTACT}, operation="customer.read", subjects=["c-1"])
        with pytest.raises(AccessDenied, match="contact"):
            me.check(Action.READ, {C.CONTACT}, operation="customer.read", subjects=["c-2"])


def test_p04_processor_limited_to_its_contract_scope(rt: Runtime) -> None:
    gate = rt.gate
    carrier = Actor(
        ActorKind.PROCESSOR,
        "carrier-1",
        ("shipping",),
        scope=frozenset({(C.SHIPMENT_CONTACT, P.SHIPMENT_CONTACT)}),
    )
    with rt.unit_of_work() as s:
        ctx = Context(s, rt, carrier, Purpose.SHIPMENT_CONTACT)
        gate.check(ctx, Action.READ, {C.SHIPMENT_CONTACT}, operation="shipment.read")
        with pytest.raises(AccessDenied) as refused:
            gate.check(ctx, Action.READ, {C.SHIPMENT_RECORD}, operation="shipment.read")
    assert refused.value.details["reason"] == "outside the processor's contract"


def test_purposes_for_roles_come_from_the_policy() -> None:
    gate = Gate()
    assert gate.purposes_for(["shipping"]) == [P.SERVICE_DELIVERY, P.SHIPMENT_CONTACT]
    assert P.DATA_SUBJECT_REQUEST in gate.purposes_for(["dpo"])
    assert gate.purposes_for(["nobody"]) == []
