"""Staff find a customer by name through a blind index of the name's words (P05, P11):
normalised (case, Polish letters), hashed with the keyring's blind-index key, kept on
create, rename, erasure, backfill and key rotation; a search decrypts only the rows found."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select

from imbplus.customers import names
from imbplus.customers import service as customers
from imbplus.customers.models import CustomerNameToken
from imbplus.customers.schemas import CustomerSearch, CustomerUpdate
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.privacy.models import AuditRecord
from imbplus.privacy.rotation import rotate
from imbplus.runtime import Runtime
from tests.support.console import choose, csrf_of, login
from tests.support.factories import make_customer, make_staff


def _find(rt: Runtime, **query: str) -> list[str]:
    staff, _ = make_staff(rt, "support")
    with rt.unit_of_work() as session:
        ctx = Context(session, rt, Actor.staff(staff.id, ["support"]), Purpose.SERVICE_DELIVERY)
        return [c.id for c in customers.search(ctx, CustomerSearch(**query))]


def test_words_are_folded_to_plain_lower_case() -> None:
    assert names.words("Łukasz ŻÓŁĆ-Gęślą  łukasz") == ["lukasz", "zolc", "gesla"]
    assert names.words("  ") == []


def test_p05_search_by_name_words_in_any_order_case_and_accents(rt: Runtime) -> None:
    kowalski = make_customer(rt, name="Jan Kowalski")
    zolc = make_customer(rt, name="Łucja Żółć-Kowalska")
    make_customer(rt, name="Anna Nowak")
    assert _find(rt, name="kowalski") == [kowalski.id]
    assert _find(rt, name="KOWALSKA łucja") == [zolc.id]
    assert _find(rt, name="zolc") == [zolc.id]
    assert _find(rt, name="Jan Nowak") == []  # every word must match one name


def test_p05_rename_and_erasure_keep_the_index_true(rt: Runtime) -> None:
    person = make_customer(rt, name="Ewa Lis")
    support, _ = make_staff(rt, "support")
    with rt.unit_of_work() as session:
        ctx = Context(session, rt, Actor.staff(support.id, ["support"]), Purpose.SERVICE_DELIVERY)
        customers.update(ctx, person.id, CustomerUpdate(name="Ewa Wilk"))
    assert _find(rt, name="lis") == [] and _find(rt, name="wilk") == [person.id]
    dpo, _ = make_staff(rt, "dpo")
    with rt.unit_of_work() as session:
        ctx = Context(session, rt, Actor.staff(dpo.id, ["dpo"]), Purpose.DATA_SUBJECT_REQUEST)
        customers.erase(ctx, person.id)
    with rt.sessions() as s:
        left = s.execute(
            select(func.count()).where(CustomerNameToken.customer_id == person.id)
        ).scalar_one()
    assert left == 0 and _find(rt, name="wilk") == []


def test_p05_backfill_indexes_customers_from_before_the_index(rt: Runtime) -> None:
    old = make_customer(rt, name="Zenon Stary")
    with rt.unit_of_work() as s:
        s.execute(delete(CustomerNameToken))
    assert _find(rt, name="stary") == []
    assert names.backfill(rt) >= 1
    assert names.backfill(rt) == 0  # idempotent
    assert _find(rt, name="stary") == [old.id]


def test_p12_key_rotation_rehashes_the_words(rt: Runtime) -> None:
    person = make_customer(rt, name="Maria Obrót")
    with rt.sessions() as s:
        before = set(
            s.execute(
                select(CustomerNameToken.token_bidx).where(
                    CustomerNameToken.customer_id == person.id
                )
            ).scalars()
        )
    rotate(rt)  # the blind-index key gets a new version; the old one is destroyed
    with rt.sessions() as s:
        after = set(
            s.execute(
                select(CustomerNameToken.token_bidx).where(
                    CustomerNameToken.customer_id == person.id
                )
            ).scalars()
        )
    assert after and not after & before
    assert _find(rt, name="obrot maria") == [person.id]


def test_p11_console_search_by_name_is_audited_and_says_what_it_searches(
    client: TestClient, rt: Runtime
) -> None:
    person = make_customer(rt, name="Jan Kowalski")
    make_customer(rt, name="Anna Nowak")
    staff, _ = make_staff(rt, "support")
    login(client, staff.username)
    choose(client, "service_delivery")
    form = client.get("/console/customers")
    assert "numer klienta" in form.text.lower()
    found = client.post("/console/customers", data={"query": "Kowalski", "csrf": csrf_of(form)})
    assert found.status_code == 200 and f"/console/customers/{person.id}" in found.text
    assert "Nowak" not in found.text and "not a valid phone" not in found.text
    by_number = client.post("/console/customers", data={"query": person.id, "csrf": csrf_of(form)})
    assert f"/console/customers/{person.id}" in by_number.text
    english = client.get("/en/console/customers")
    assert "customer number" in english.text.lower()
    with rt.sessions() as s:
        searches = s.execute(
            select(AuditRecord).where(AuditRecord.action == "customer.search")
        ).scalars()
        purposes = {(r.purpose, r.result) for r in searches}
    assert ("service_delivery", "allowed") in purposes
