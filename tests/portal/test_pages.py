"""P16: the portal needs a login; the subscriber sees their own data, in Polish or English."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from imbplus.customers import service as customers
from imbplus.errors import AccessDenied
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.privacy.models import AuditRecord
from imbplus.runtime import Runtime
from tests.staff.test_console import csrf_of
from tests.support.factories import PASSWORD, make_customer, make_subscriber


def portal_login(
    client: TestClient, email: str, password: str = PASSWORD, prefix: str = ""
) -> Response:
    form = client.get(f"{prefix}/portal/login")
    return client.post(
        f"{prefix}/portal/login",
        data={"email": email, "password": password, "csrf": csrf_of(form)},
        follow_redirects=False,
    )


def test_p16_portal_requires_login_and_shows_own_data(client: TestClient, rt: Runtime) -> None:
    me = make_subscriber(rt, name="Krystyna Zając")
    assert client.get("/portal", follow_redirects=False).headers["location"] == "/portal/login"
    response = portal_login(client, me.email.upper())
    assert response.status_code == 303 and response.headers["location"] == "/portal"
    page = client.get("/portal")
    assert page.status_code == 200
    assert "Dzień dobry, Krystyna Zając" in page.text and me.phone in page.text
    assert 'lang="pl"' in page.text
    with rt.sessions() as s:
        last = s.execute(select(AuditRecord).order_by(AuditRecord.seq.desc())).scalars().first()
    assert last is not None
    assert (last.actor_kind, last.actor_id, last.subject_id) == ("customer", me.id, me.id)


def test_portal_in_english_keeps_the_prefix(client: TestClient, rt: Runtime) -> None:
    me = make_subscriber(rt)
    form = client.get("/en/portal/login")
    assert "Log in to your account" in form.text and 'lang="en"' in form.text
    assert 'action="/en/portal/login"' in form.text
    response = portal_login(client, me.email, prefix="/en")
    assert response.headers["location"] == "/en/portal"
    assert "Hello," in client.get("/en/portal").text


def test_wrong_password_and_rate_limit(client: TestClient, rt: Runtime) -> None:
    me = make_subscriber(rt)
    for _ in range(rt.settings.login_max_failures):
        failed = portal_login(client, me.email, "not the password")
        assert failed.status_code == 401 and "Nieprawidłowy e-mail lub hasło" in failed.text
    limited = portal_login(client, me.email)
    assert limited.status_code == 429 and limited.headers["retry-after"]
    assert "<html" in limited.text.lower()  # a page, not JSON


def test_unknown_email_looks_like_a_wrong_password(client: TestClient) -> None:
    assert portal_login(client, "nobody@example.pl").status_code == 401


def test_logout_kills_the_session(client: TestClient, rt: Runtime) -> None:
    me = make_subscriber(rt)
    cookie = portal_login(client, me.email).cookies["imb_session"]
    home = client.get("/portal")
    client.post("/portal/logout", data={"csrf": csrf_of(home)})
    client.cookies.set("imb_session", cookie)
    assert client.get("/portal", follow_redirects=False).status_code == 303


def test_forged_csrf_is_refused(client: TestClient, rt: Runtime) -> None:
    me = make_subscriber(rt)
    client.get("/portal/login")
    forged = client.post(
        "/portal/login",
        data={"email": me.email, "password": PASSWORD, "csrf": "forged"},
        follow_redirects=False,
    )
    assert forged.status_code == 403 and "imb_session" not in forged.cookies


def test_a_staff_cookie_does_not_open_the_portal(client: TestClient, rt: Runtime) -> None:
    from tests.staff.test_console import login
    from tests.support.factories import make_staff

    staff, _ = make_staff(rt, "support")
    cookie = login(client, staff.username).cookies["imb_staff"]
    client.cookies.set("imb_session", cookie)
    assert client.get("/portal", follow_redirects=False).status_code == 303


def test_unknown_language_prefix_is_a_404_page(client: TestClient) -> None:
    page = client.get("/de/portal/login")
    assert page.status_code == 404 and "Nie znaleziono strony" in page.text


def test_a_customer_reaches_only_their_own_record(rt: Runtime) -> None:
    me, other = make_customer(rt), make_customer(rt)
    with rt.unit_of_work() as s:
        ctx = Context(s, rt, Actor.customer(me.id), Purpose.SERVICE_DELIVERY)
        assert customers.get(ctx, me.id).email == me.email
        with pytest.raises(AccessDenied, match="may not read"):
            customers.get(ctx, other.id)
