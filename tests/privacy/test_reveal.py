"""P03, P05, P11: one call checks, audits and only then decrypts; the own-record rule."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from imbplus.customers.models import Customer
from imbplus.errors import AccessDenied, Erased
from imbplus.notify import outbox
from imbplus.notify.models import OutboxMessage
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Action, Category, Purpose
from imbplus.privacy.models import AuditRecord
from imbplus.privacy.reveal import Grant, NotGranted
from imbplus.privacy.rotation import rotate
from imbplus.runtime import Runtime
from tests.support.factories import make_customer
from tests.support.stored import watch_decryptions

NAME_EMAIL = ("name_ct", "email_ct")
ADDRESS = ("street_ct", "postal_code_ct", "city_ct")


def _records(rt: Runtime, operation: str) -> list[AuditRecord]:
    with rt.sessions() as s:
        return list(
            s.execute(
                select(AuditRecord).where(AuditRecord.action == operation).order_by(AuditRecord.seq)
            ).scalars()
        )


def _ctx(s: object, rt: Runtime, actor: Actor, purpose: Purpose) -> Context:
    return Context(s, rt, actor, purpose)  # type: ignore[arg-type]


def test_p11_reveal_takes_the_categories_from_the_catalogue_and_audits(rt: Runtime) -> None:
    person = make_customer(rt, name="Ala Nowak", email="ala.nowak@example.pl")
    with rt.unit_of_work() as s:
        ctx = _ctx(s, rt, Actor.staff(4, ["support"]), Purpose.SERVICE_DELIVERY)
        row = s.get(Customer, person.id)
        name, email = ctx.reveal(Customer, row, NAME_EMAIL, operation="t.read", subject=person.id)
    assert (name, email) == ("Ala Nowak", "ala.nowak@example.pl")
    [record] = _records(rt, "t.read")
    assert (record.result, record.subject_id, record.categories, record.actor_role) == (
        "allowed",
        person.id,
        "contact,identity",
        "support",
    )


def test_p03_a_refused_caller_gets_access_denied_before_any_decryption(
    rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = make_customer(rt)
    decrypted = watch_decryptions(monkeypatch)
    with pytest.raises(AccessDenied) as refused, rt.unit_of_work() as s:
        ctx = _ctx(s, rt, Actor.staff(5, ["marketing"]), Purpose.MARKETING)
        ctx.reveal(
            Customer, s.get(Customer, person.id), ADDRESS, operation="t.read", subject=person.id
        )
    assert refused.value.body()["category"] == "address"
    assert decrypted.values == 0
    [record] = _records(rt, "t.read")
    assert (record.result, record.subject_id) == ("denied", person.id)


def test_p11_many_rows_one_decision_one_record_per_subject(
    rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = [make_customer(rt) for _ in range(3)]
    decrypted = watch_decryptions(monkeypatch)
    with rt.unit_of_work() as s:
        ctx = _ctx(s, rt, Actor.staff(4, ["support"]), Purpose.SERVICE_DELIVERY)
        rows = [s.get(Customer, p.id) for p in people]
        opened = ctx.reveal_rows(
            Customer, rows, ("email_ct",), operation="t.list", subjects=[p.id for p in people]
        )
        nothing = ctx.reveal_rows(Customer, [], ("email_ct",), operation="t.none", subjects=[None])
    assert opened == [[p.email] for p in people] and nothing == []
    assert decrypted.values == 3
    assert [r.subject_id for r in _records(rt, "t.list")] == [p.id for p in people]
    assert [r.result for r in _records(rt, "t.none")] == ["allowed"]  # decided all the same


def test_p11_a_grant_opens_only_the_categories_it_was_given(
    rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = make_customer(rt)
    decrypted = watch_decryptions(monkeypatch)
    with rt.unit_of_work() as s:
        ctx = _ctx(s, rt, Actor.staff(4, ["support"]), Purpose.SERVICE_DELIVERY)
        grant = ctx.check(Action.READ, {Category.CONTACT}, operation="t.read", subjects=[person.id])
        row = s.get(Customer, person.id)
        assert grant.reveal_one(Customer, row, "email_ct") == person.email
        with pytest.raises(NotGranted):
            grant.reveal(Customer, row, ("name_ct",))
    assert decrypted.values == 1


def test_p11_only_the_gate_issues_grants(rt: Runtime) -> None:
    with rt.unit_of_work() as s:
        ctx = _ctx(s, rt, Actor.staff(4, ["support"]), Purpose.SERVICE_DELIVERY)
        with pytest.raises(TypeError):
            Grant(ctx, Action.READ, frozenset(Category), "forged", [None], issued_by=object())


def test_an_empty_column_is_erased_unless_the_caller_says_what_it_reveals_as(rt: Runtime) -> None:
    person = make_customer(rt)
    with rt.unit_of_work() as s:
        ctx = _ctx(s, rt, Actor.staff(4, ["support"]), Purpose.SERVICE_DELIVERY)
        row = s.get(Customer, person.id)
        assert row is not None
        row.phone_ct = None
        with pytest.raises(Erased):
            ctx.reveal(Customer, row, ("email_ct", "phone_ct"), operation="t", subject=row.id)
        found = ctx.reveal(
            Customer, row, ("email_ct", "phone_ct"), operation="t", subject=row.id, empty=""
        )
        assert found == [person.email, ""]
        s.rollback()


def test_p16_the_own_record_rule_is_one_rule_of_the_gate(
    rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    me, other = make_customer(rt), make_customer(rt)
    customer, staff = Actor.customer(me.id), Actor.staff(4, ["support"])
    assert customer.reaches(me.id) and not customer.reaches(other.id)
    assert not customer.reaches(None)
    assert staff.reaches(other.id) and staff.reaches(None)
    assert customer.whose(other.id) == me.id and customer.whose(None) == me.id
    assert staff.whose(other.id) == other.id and staff.whose(None) is None
    decrypted = watch_decryptions(monkeypatch)
    with pytest.raises(AccessDenied) as refused, rt.unit_of_work() as s:
        ctx = _ctx(s, rt, customer, Purpose.SERVICE_DELIVERY)
        ctx.reveal(Customer, s.get(Customer, other.id), NAME_EMAIL, operation="t", subject=other.id)
    assert refused.value.body()["reason"] == "not the customer's own record"
    assert decrypted.values == 0


def test_an_outbox_message_is_decided_on_the_category_it_holds(rt: Runtime) -> None:
    person = make_customer(rt)
    with rt.job("policy_notice", Purpose.SERVICE_DELIVERY) as ctx:
        key_id = ctx.session.get(Customer, person.id).key_id  # type: ignore[union-attr]
        message_id = outbox.enqueue(
            ctx,
            customer_id=person.id,
            key_id=key_id,
            channel="email",
            recipient=person.email,
            subject="Temat",
            body="Treść",
            reference="t",
            category=Category.CONTACT,
        )
    with rt.unit_of_work() as s:
        ctx = _ctx(s, rt, Actor.system("outbox"), Purpose.SERVICE_DELIVERY)
        row = s.get(OutboxMessage, message_id)
        texts = ctx.reveal(
            OutboxMessage, row, ("recipient_ct", "body_ct"), operation="t.send", subject=person.id
        )
    assert texts == [person.email, "Treść"]
    [record] = _records(rt, "t.send")
    assert record.categories == "contact"  # the row's, not the catalogue's shipment_contact


def test_p12_key_rotation_reveals_through_the_gate_once_per_batch(rt: Runtime) -> None:
    people = [make_customer(rt) for _ in range(2)]
    rotate(rt)
    found = _records(rt, "keys.reencrypt")
    assert found and {(r.actor_role, r.result, r.subject_id) for r in found} == {
        ("system:key_rotation", "allowed", None)
    }
    assert "address,contact,identity" in {r.categories for r in found}
    with rt.unit_of_work() as s:
        ctx = _ctx(s, rt, Actor.staff(4, ["support"]), Purpose.SERVICE_DELIVERY)
        rows = [s.get(Customer, p.id) for p in people]
        emails = ctx.reveal_rows(
            Customer, rows, ("email_ct",), operation="t", subjects=[p.id for p in people]
        )
    assert emails == [[p.email] for p in people]
