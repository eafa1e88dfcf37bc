"""P16, P12: the subscriber changes contact data and address through the customers service;
the e-mail address only with the password and a link confirmed from the new address."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from imbplus.auth import sessions
from imbplus.notify.models import OutboxMessage
from imbplus.privacy.models import AuditRecord
from imbplus.runtime import Runtime
from tests.portal.test_pages import portal_login
from tests.support.console import csrf_of
from tests.support.factories import PASSWORD, make_subscriber


def current_form(client: TestClient) -> dict[str, str]:
    page = client.get("/portal/account")
    assert page.status_code == 200
    values = {}
    for name in ("name", "phone", "street", "postal_code", "city"):
        marker = f'name="{name}" type='
        start = page.text.index(marker)
        value_at = page.text.index('value="', start) + len('value="')
        values[name] = page.text[value_at : page.text.index('"', value_at)]
    return {**values, "csrf": csrf_of(page)}


def current_email(client: TestClient) -> str:
    found = re.search(r'class="current-email">([^<]+)<', client.get("/portal/account").text)
    assert found
    return found.group(1)


def outbox_count(rt: Runtime) -> int:
    with rt.sessions() as s:
        return int(s.execute(select(func.count()).select_from(OutboxMessage)).scalar_one())


def test_p16_change_address_and_phone(client: TestClient, rt: Runtime) -> None:
    me = make_subscriber(rt)
    portal_login(client, me.email)
    form = current_form(client)
    assert current_email(client) == me.email and form["city"] == me.address.city
    saved = client.post(
        "/portal/account",
        data={**form, "street": "ul. Nowa 7", "city": "Gdańsk", "phone": "+48 602 000 111"},
        follow_redirects=False,
    )
    assert saved.status_code == 303 and saved.headers["location"] == "/portal/account?done=saved"
    page = client.get("/portal/account?done=saved")
    assert "Zapisano zmiany" in page.text and "Gdańsk" in page.text and "+48602000111" in page.text
    with rt.sessions() as s:
        update = s.execute(
            select(AuditRecord).where(
                AuditRecord.subject_id == me.id, AuditRecord.action == "customer.update"
            )
        ).scalar_one()
    assert (update.actor_kind, update.actor_id, update.result) == ("customer", me.id, "allowed")
    assert update.categories == "address,contact"


def test_p12_the_details_form_cannot_change_the_email(client: TestClient, rt: Runtime) -> None:
    me = make_subscriber(rt)
    portal_login(client, me.email)
    form = current_form(client)
    saved = client.post(
        "/portal/account",
        data={**form, "email": "przejety@example.pl", "city": "Sopot"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert current_email(client) == me.email and current_form(client)["city"] == "Sopot"
    assert outbox_count(rt) == 0


def test_invalid_values_are_shown_again_and_nothing_changes(
    client: TestClient, rt: Runtime
) -> None:
    me = make_subscriber(rt)
    portal_login(client, me.email)
    form = current_form(client)
    refused = client.post(
        "/portal/account",
        data={**form, "postal_code": "1234", "phone": "12", "name": "<b>Ala</b>"},
    )
    assert refused.status_code == 422
    assert 'id="postal_code-problem"' in refused.text and 'id="phone-problem"' in refused.text
    assert "<b>Ala</b>" not in refused.text and "&lt;b&gt;Ala&lt;/b&gt;" in refused.text
    after = current_form(client)
    assert after["postal_code"] == me.address.postal_code and after["name"] == me.name


def test_unchanged_form_changes_nothing(client: TestClient, rt: Runtime) -> None:
    me = make_subscriber(rt)
    portal_login(client, me.email)
    page = client.post("/portal/account", data=current_form(client))
    assert page.status_code == 200 and "Nic się nie zmieniło" in page.text


def test_p12_password_change_logs_out_everywhere(client: TestClient, rt: Runtime) -> None:
    me = make_subscriber(rt)
    cookie = portal_login(client, me.email).cookies[sessions.CUSTOMER_COOKIE]
    csrf = current_form(client)["csrf"]
    new = "another long passphrase"
    wrong = client.post(
        "/portal/account/password",
        data={"current": "not it at all", "password": new, "password2": new, "csrf": csrf},
    )
    assert wrong.status_code == 422 and 'id="current-problem"' in wrong.text
    done = client.post(
        "/portal/account/password",
        data={"current": PASSWORD, "password": new, "password2": new, "csrf": csrf},
        follow_redirects=False,
    )
    assert done.headers["location"] == "/portal/login?done=password_changed"
    client.cookies.set(sessions.CUSTOMER_COOKIE, cookie)
    assert client.get("/portal/account", follow_redirects=False).status_code == 303
    assert portal_login(client, me.email, new).status_code == 303


def test_forged_csrf_changes_nothing(client: TestClient, rt: Runtime) -> None:
    me = make_subscriber(rt)
    portal_login(client, me.email)
    form = current_form(client)
    forged = client.post("/portal/account", data={**form, "city": "Sopot", "csrf": "forged"})
    assert forged.status_code == 403 and "nie pochodzi z naszej strony" in forged.text
    assert current_form(client)["city"] == me.address.city
