"""Staff console: login, CSRF, rate limit, sessions, purpose, search, audit page (the second
factor is in test_second_factor)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from imbplus.clock import clock
from imbplus.runtime import Runtime
from tests.support.console import choose, csrf_of, login
from tests.support.factories import PASSWORD, make_customer, make_staff

__all__ = ["choose", "csrf_of", "login"]  # other tests still import them from here


def test_login_purpose_search_and_open_a_customer(client: TestClient, rt: Runtime) -> None:
    customer = make_customer(rt, name="Marta <script>alert(1)</script> Nowak")
    staff, _ = make_staff(rt, "support")
    assert (
        client.get("/console/customers", follow_redirects=False).headers["location"]
        == "/console/login"
    )
    response = login(client, staff.username)
    assert response.status_code == 303 and response.headers["location"] == "/console"
    cookie = response.cookies.get("imb_staff")
    assert cookie and "httponly" in response.headers["set-cookie"].lower()
    assert "samesite=strict" in response.headers["set-cookie"].lower()
    # data pages need a purpose first
    assert (
        client.get("/console/customers", follow_redirects=False)
        .headers["location"]
        .startswith("/console?need=purpose")
    )
    home = client.get("/console")
    assert "service_delivery" in home.text and "billing" not in home.text
    assert choose(client, "service_delivery").status_code == 303
    page = client.get("/console/customers")
    results = client.post(
        "/console/customers", data={"query": customer.email, "csrf": csrf_of(page)}
    )
    assert results.status_code == 200 and f"/console/customers/{customer.id}" in results.text
    assert customer.email not in results.text  # masked in lists
    record = client.get(f"/console/customers/{customer.id}")
    assert customer.email in record.text
    assert "<script>alert(1)</script>" not in record.text
    assert "&lt;script&gt;" in record.text


def test_purpose_outside_the_role_is_refused(client: TestClient, rt: Runtime) -> None:
    staff, _ = make_staff(rt, "support")
    login(client, staff.username)
    assert choose(client, "marketing").status_code == 422


def test_wrong_password_then_rate_limit(client: TestClient, rt: Runtime) -> None:
    staff, _ = make_staff(rt, "support")
    for _ in range(rt.settings.login_max_failures):
        failed = login(client, staff.username, "wrong password!!")
        assert (
            failed.status_code == 401 and "Nieprawidłowa nazwa użytkownika lub hasło" in failed.text
        )
    limited = login(client, staff.username)  # even the right password now waits
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
    clock.advance(rt.settings.login_window_minutes * 60 + 1)
    assert login(client, staff.username).status_code == 303


def test_unknown_user_is_indistinguishable(client: TestClient) -> None:
    response = login(client, "nobody")
    assert (
        response.status_code == 401 and "Nieprawidłowa nazwa użytkownika lub hasło" in response.text
    )


def test_forged_csrf_is_refused_and_starts_no_session(client: TestClient, rt: Runtime) -> None:
    staff, _ = make_staff(rt, "support")
    client.get("/console/login")
    forged = client.post(
        "/console/login",
        data={"username": staff.username, "password": PASSWORD, "csrf": "forged-token-value"},
        follow_redirects=False,
    )
    assert forged.status_code == 403 and "Formularz jest nieaktualny" in forged.text
    assert "imb_staff" not in forged.cookies
    login(client, staff.username)
    assert choose(client, "service_delivery").status_code == 303
    bad = client.post("/console/purpose", data={"purpose": "service_delivery", "csrf": "x" * 20})
    assert bad.status_code == 403


def test_logout_then_a_replayed_session_cookie_is_dead(client: TestClient, rt: Runtime) -> None:
    staff, _ = make_staff(rt, "support")
    cookie = login(client, staff.username).cookies["imb_staff"]
    home = client.get("/console")
    out = client.post("/console/logout", data={"csrf": csrf_of(home)}, follow_redirects=False)
    assert out.status_code == 303
    client.cookies.set("imb_staff", cookie)
    assert client.get("/console", follow_redirects=False).headers["location"] == "/console/login"


def test_idle_session_expires(client: TestClient, rt: Runtime) -> None:
    staff, _ = make_staff(rt, "support")
    login(client, staff.username)
    assert client.get("/console").status_code == 200
    clock.advance(rt.settings.session_idle_minutes * 60 + 5)
    assert client.get("/console", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("role", ["support", "admin"])
def test_only_the_dpo_sees_the_audit_trail(client: TestClient, rt: Runtime, role: str) -> None:
    staff, _ = make_staff(rt, role)
    login(client, staff.username)
    choose(client, "service_delivery" if role == "support" else "security")
    page = client.get("/console/audit")
    assert page.status_code == 403 and "Brak uprawnień" in page.text


def test_dpo_audit_trail_filters_by_customer(client: TestClient, rt: Runtime) -> None:
    customer, other = make_customer(rt), make_customer(rt)
    dpo, _ = make_staff(rt, "dpo")
    login(client, dpo.username)
    choose(client, "security")
    page = client.get(f"/console/audit?subject={customer.id}")
    assert page.status_code == 200
    assert customer.id in page.text and other.id not in page.text
    assert "customer.create" in page.text
