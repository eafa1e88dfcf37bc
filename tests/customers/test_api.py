"""Customers API: purposes, roles, validation, nothing half-written, masked lists."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from imbplus.clock import clock
from imbplus.customers.models import Customer
from imbplus.privacy.models import AuditRecord
from imbplus.runtime import Runtime
from tests.support.factories import api_headers, make_customer, make_staff

BODY = {
    "name": "Jan Kowalski",
    "email": "Jan.Kowalski@Example.PL",
    "phone": "600 123 456",
    "address": {"street": "ul. Długa 5/3", "postal_code": "00-950", "city": "Warszawa"},
}


@pytest.fixture
def support(rt: Runtime) -> str:
    return make_staff(rt, "support")[1]


def _count(rt: Runtime) -> int:
    with rt.sessions() as s:
        return int(s.execute(select(func.count()).select_from(Customer)).scalar_one())


def _last_audit(rt: Runtime) -> AuditRecord:
    with rt.sessions() as s:
        row = s.execute(select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(1)).scalar()
        assert row is not None
        return row


def test_create_and_read_back_with_an_allowed_purpose(client: TestClient, support: str) -> None:
    created = client.post("/api/v1/customers", json=BODY, headers=api_headers(support))
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["email"] == "jan.kowalski@example.pl"
    assert body["phone"] == "+48600123456"
    got = client.get(f"/api/v1/customers/{body['id']}", headers=api_headers(support))
    assert got.status_code == 200
    assert got.json()["address"] == BODY["address"]
    assert got.json()["name"] == "Jan Kowalski"


def test_p03_refused_purpose_gets_403_with_reason_and_an_audit_record(
    client: TestClient, rt: Runtime
) -> None:
    customer = make_customer(rt)
    _, token = make_staff(rt, "marketing")
    response = client.get(
        f"/api/v1/customers/{customer.id}", headers=api_headers(token, "marketing")
    )
    assert response.status_code == 403
    body = response.json()
    assert body["error"] == "access_denied"
    assert (body["role"], body["purpose"], body["category"]) == (
        "marketing",
        "marketing",
        "address",
    )
    assert customer.email not in response.text and customer.name not in response.text
    record = _last_audit(rt)
    assert (record.result, record.subject_id, record.purpose) == (
        "denied",
        customer.id,
        "marketing",
    )


def test_p03_support_may_not_use_the_billing_purpose(
    client: TestClient, rt: Runtime, support: str
) -> None:
    customer = make_customer(rt)
    response = client.get(
        f"/api/v1/customers/{customer.id}", headers=api_headers(support, "billing")
    )
    assert response.status_code == 403


@pytest.mark.parametrize(("purpose", "message"), [(None, "required"), ("sales", "unknown")])
def test_p03_missing_or_unknown_purpose_is_400(
    client: TestClient, rt: Runtime, support: str, purpose: str | None, message: str
) -> None:
    customer = make_customer(rt)
    response = client.get(f"/api/v1/customers/{customer.id}", headers=api_headers(support, purpose))
    assert response.status_code == 400
    assert response.json()["error"] == "purpose_required"
    assert message in response.json()["message"]


def test_tokens_missing_wrong_expired_revoked_are_401(client: TestClient, rt: Runtime) -> None:
    staff, token = make_staff(rt, "support")
    url = "/api/v1/customers"
    assert client.get(url, headers={"X-Purpose": "service_delivery"}).status_code == 401
    wrong = client.get(url, headers=api_headers("imbst_" + "x" * 43))
    assert wrong.status_code == 401 and wrong.json()["message"] == "invalid API token"
    assert client.get(url, headers=api_headers(token)).status_code == 200
    clock.advance(timedelta(days=rt.settings.token_days, seconds=1).total_seconds())
    expired = client.get(url, headers=api_headers(token))
    assert expired.status_code == 401 and expired.json()["message"] == "API token expired"
    clock.reset()
    from imbplus.privacy.catalog import Purpose
    from imbplus.staff import service

    with rt.job("tests", Purpose.SECURITY) as ctx:
        service.revoke_tokens(ctx, ctx.session.merge(staff))
    revoked = client.get(url, headers=api_headers(token))
    assert revoked.status_code == 401 and revoked.json()["message"] == "API token revoked"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"phone": "12345"}, "phone"),
        ({"phone": "+48 600 123 45"}, "phone"),
        ({"address": {**BODY["address"], "postal_code": "00950"}}, "address.postal_code"),
        ({"name": "x" * 401}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "Jan\u0000Kowalski"}, "name"),
        ({"address": {**BODY["address"], "city": "W" * 101}}, "address.city"),
        ({"nickname": "Janek"}, "nickname"),
        ({"name": 5}, "name"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    client: TestClient, rt: Runtime, support: str, change: dict, field: str
) -> None:
    before = _count(rt)
    response = client.post(
        "/api/v1/customers", json={**BODY, **change}, headers=api_headers(support)
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "validation_failed"
    assert field in [f["field"] for f in body["fields"]]
    assert "input" not in response.text
    for value in change.values():
        if isinstance(value, str) and len(value) > 3:
            assert value not in response.text
    assert _count(rt) == before


def test_malformed_json_is_400(client: TestClient, support: str) -> None:
    response = client.post(
        "/api/v1/customers",
        content=b'{"name": "Jan", ',
        headers={**api_headers(support), "content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "malformed_json"


def test_duplicate_email_is_a_conflict(client: TestClient, rt: Runtime, support: str) -> None:
    assert (
        client.post("/api/v1/customers", json=BODY, headers=api_headers(support)).status_code == 201
    )
    again = client.post(
        "/api/v1/customers",
        json={**BODY, "email": "JAN.kowalski@example.pl"},
        headers=api_headers(support),
    )
    assert again.status_code == 409 and again.json()["field"] == "email"
    assert _count(rt) == 1


def test_patch_changes_only_given_fields(client: TestClient, rt: Runtime, support: str) -> None:
    customer = make_customer(rt)
    response = client.patch(
        f"/api/v1/customers/{customer.id}",
        json={"phone": "+48 700 800 900", "address": {"city": "Gdańsk"}},
        headers=api_headers(support),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["phone"] == "+48700800900"
    assert body["address"]["city"] == "Gdańsk"
    assert body["address"]["street"] == customer.address.street
    assert body["email"] == customer.email
    empty = client.patch(f"/api/v1/customers/{customer.id}", json={}, headers=api_headers(support))
    assert empty.status_code == 422


def test_unknown_customer_is_404(client: TestClient, support: str) -> None:
    missing = client.get(
        "/api/v1/customers/5b1f7c1e-0000-4000-8000-000000000000", headers=api_headers(support)
    )
    assert missing.status_code == 404
    assert (
        client.get("/api/v1/customers/not-a-uuid", headers=api_headers(support)).status_code == 404
    )


def test_p05_list_is_masked_and_paginated(client: TestClient, rt: Runtime, support: str) -> None:
    made = [make_customer(rt) for _ in range(5)]
    first = client.get("/api/v1/customers?limit=3", headers=api_headers(support)).json()
    assert len(first["items"]) == 3 and first["next_cursor"]
    second = client.get(
        f"/api/v1/customers?limit=3&cursor={first['next_cursor']}", headers=api_headers(support)
    ).json()
    assert len(second["items"]) == 2 and second["next_cursor"] is None
    items = first["items"] + second["items"]
    assert [i["id"] for i in items] == [c.id for c in made]
    assert items[0]["email"] == "z***@example.pl"
    assert items[0]["phone"].startswith("+48 *** ***")
    assert all(c.email not in str(items) and c.name not in str(items) for c in made)
    bad = client.get("/api/v1/customers?cursor=garbage", headers=api_headers(support))
    assert bad.status_code == 422 and bad.json()["fields"][0]["field"] == "cursor"


def test_search_by_email_or_phone_uses_the_body(
    client: TestClient, rt: Runtime, support: str
) -> None:
    target = make_customer(rt)
    make_customer(rt)
    by_email = client.post(
        "/api/v1/customers/search",
        json={"email": target.email.upper()},
        headers=api_headers(support),
    )
    assert [c["id"] for c in by_email.json()] == [target.id]
    by_phone = client.post(
        "/api/v1/customers/search", json={"phone": target.phone}, headers=api_headers(support)
    )
    assert [c["id"] for c in by_phone.json()] == [target.id]
    none = client.post(
        "/api/v1/customers/search",
        json={"email": "nobody@example.pl"},
        headers=api_headers(support),
    )
    assert none.status_code == 200 and none.json() == []
    both = client.post("/api/v1/customers/search", json={}, headers=api_headers(support))
    assert both.status_code == 422


def test_p05_a_tampered_ciphertext_is_a_clear_integrity_error(
    client: TestClient, rt: Runtime, support: str
) -> None:
    victim, other = make_customer(rt), make_customer(rt)
    with rt.engine.begin() as conn:  # copy another row's e-mail ciphertext into this row
        blob = conn.execute(
            text("SELECT email_ct FROM customers WHERE id=:i"), {"i": other.id}
        ).scalar_one()
        conn.execute(
            text("UPDATE customers SET email_ct=:b WHERE id=:i"), {"b": blob, "i": victim.id}
        )
    response = client.get(f"/api/v1/customers/{victim.id}", headers=api_headers(support))
    assert response.status_code == 500
    body = response.json()
    assert body["error"] == "integrity_check_failed"
    assert (body["table"], body["column"], body["record"]) == ("customers", "email_ct", victim.id)
    assert other.email not in response.text and victim.name not in response.text


def test_openapi_spec_is_served_without_third_party_ui(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/customers" in spec["paths"]
    assert client.get("/docs").status_code == 404


def test_lone_surrogates_and_control_characters_are_refused(
    client: TestClient, rt: Runtime, support: str
) -> None:
    raw = (
        b'{"name": "Jan \\ud800 Kowalski", "email": "a@example.pl", "phone": "600123456",'
        b' "address": {"street": "x", "postal_code": "00-001", "city": "y"}}'
    )
    response = client.post(
        "/api/v1/customers",
        content=raw,
        headers={**api_headers(support), "content-type": "application/json"},
    )
    assert response.status_code == 422 and response.json()["fields"][0]["field"] == "name"
    assert _count(rt) == 0
