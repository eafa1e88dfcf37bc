"""P16, P12: registration confirmed by e-mail, password reset by a one-time link."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from imbplus.auth import sessions
from imbplus.clock import clock
from imbplus.customers import service as customers
from imbplus.customers.models import Customer
from imbplus.portal import mail
from imbplus.portal.models import CustomerAccount, PortalToken
from imbplus.runtime import Runtime
from tests.portal.test_pages import portal_login
from tests.staff.test_console import csrf_of
from tests.support.factories import PASSWORD, make_subscriber
from tests.support.smtp import Mailbox

NEW_PASSWORD = "a new and long passphrase"
FORM = {
    "name": "Halina Kiepska",
    "email": "halina.kiepska@example.pl",
    "phone": "601 234 567",
    "street": "ul. Ćwiartki 3/4",
    "postal_code": "53-023",
    "city": "Wrocław",
    "password": PASSWORD,
    "password2": PASSWORD,
}


def register(client: TestClient, prefix: str = "", **changes: str) -> object:
    page = client.get(f"{prefix}/portal/register")
    return client.post(
        f"{prefix}/portal/register",
        data={**FORM, **changes, "csrf": csrf_of(page)},
        follow_redirects=False,
    )


def path_of(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def count(rt: Runtime, model: type) -> int:
    with rt.sessions() as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


def test_p16_register_confirm_by_email_then_log_in(
    client: TestClient, rt: Runtime, smtp: Mailbox
) -> None:
    response = register(client)
    assert response.status_code == 303
    assert response.headers["location"] == "/portal/register/sent"
    assert "Sprawdź skrzynkę" in client.get("/portal/register/sent").text
    with rt.sessions() as s:
        customer_id = customers.id_for_login(rt, s, FORM["email"])
        assert customer_id
        account = s.get(CustomerAccount, customer_id)
        assert account is not None and account.confirmed_at is None
    # not confirmed yet: the right password is not enough
    early = portal_login(client, FORM["email"])
    assert early.status_code == 403 and "potwierdź adres e-mail" in early.text
    mail.deliver_due(rt)
    [message] = smtp.to(FORM["email"])  # the second login did not send another one yet
    assert "potwierdź" in message["Subject"]
    link = path_of(smtp.link(message))
    assert link.startswith("/portal/confirm?token=")
    page = client.get(link)
    assert page.status_code == 200
    confirmed = client.post(
        "/portal/confirm",
        data={"token": link.split("=", 1)[1], "csrf": csrf_of(page)},
        follow_redirects=False,
    )
    assert confirmed.headers["location"] == "/portal/login?done=confirmed"
    assert portal_login(client, FORM["email"]).status_code == 303
    home = client.get("/portal")
    assert "Halina Kiepska" in home.text and "Wrocław" in home.text
    # the link worked once
    assert client.get(link).status_code == 410


def test_registration_in_english_sends_an_english_link(
    client: TestClient, rt: Runtime, smtp: Mailbox
) -> None:
    assert register(client, prefix="/en").headers["location"] == "/en/portal/register/sent"
    mail.deliver_due(rt)
    [message] = smtp.to(FORM["email"])
    assert message["Subject"] == "IMB+: confirm your e-mail address"
    assert path_of(smtp.link(message)).startswith("/en/portal/confirm?token=")


def test_a_known_address_gets_a_password_link_and_no_second_record(
    client: TestClient, rt: Runtime, smtp: Mailbox
) -> None:
    me = make_subscriber(rt)
    before = count(rt, Customer)
    response = register(client, email=me.email.upper(), name="Someone Else")
    assert response.headers["location"] == "/portal/register/sent"  # same answer
    assert count(rt, Customer) == before
    mail.deliver_due(rt)
    [message] = smtp.to(me.email)
    assert path_of(smtp.link(message)).startswith("/portal/reset/confirm?token=")


def test_invalid_registration_is_shown_again_and_stores_nothing(
    client: TestClient, rt: Runtime, smtp: Mailbox
) -> None:
    before = (count(rt, Customer), count(rt, CustomerAccount), count(rt, PortalToken))
    response = register(
        client,
        name="<script>alert('x')</script>",
        postal_code="53023",
        password="short",
        password2="other",
    )
    assert response.status_code == 422
    text = response.text
    assert "Popraw zaznaczone pola" in text
    assert 'id="postal_code-problem"' in text and 'id="password-problem"' in text
    assert "<script>alert" not in text and "&lt;script&gt;alert" in text
    assert "short" not in text  # passwords are never shown again
    assert (count(rt, Customer), count(rt, CustomerAccount), count(rt, PortalToken)) == before
    mismatch = register(client, password2="not the same password")
    assert mismatch.status_code == 422 and 'id="password2-problem"' in mismatch.text
    assert mail.deliver_due(rt).sent == 0


def test_p12_password_reset_ends_every_session(
    client: TestClient, rt: Runtime, smtp: Mailbox
) -> None:
    me = make_subscriber(rt)
    old_cookie = portal_login(client, me.email).cookies[sessions.CUSTOMER_COOKIE]
    client.cookies.clear()
    form = client.get("/portal/reset")
    sent = client.post(
        "/portal/reset", data={"email": me.email, "csrf": csrf_of(form)}, follow_redirects=False
    )
    assert sent.headers["location"] == "/portal/reset/sent"
    mail.deliver_due(rt)
    link = path_of(smtp.link(smtp.to(me.email)[0]))
    token = link.split("=", 1)[1]
    page = client.get(link)
    weak = client.post(
        "/portal/reset/confirm",
        data={"token": token, "password": "short", "password2": "short", "csrf": csrf_of(page)},
    )
    assert weak.status_code == 422 and 'id="password-problem"' in weak.text
    done = client.post(
        "/portal/reset/confirm",
        data={
            "token": token,
            "password": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "csrf": csrf_of(page),
        },
        follow_redirects=False,
    )
    assert done.headers["location"] == "/portal/login?done=reset"
    assert portal_login(client, me.email, PASSWORD).status_code == 401
    assert portal_login(client, me.email, NEW_PASSWORD).status_code == 303
    # the session opened before the reset is dead
    client.cookies.clear()
    client.cookies.set(sessions.CUSTOMER_COOKIE, old_cookie)
    assert client.get("/portal", follow_redirects=False).status_code == 303
    # and the link works once
    assert client.get(link).status_code == 410


def test_reset_link_expires(client: TestClient, rt: Runtime, smtp: Mailbox) -> None:
    me = make_subscriber(rt)
    form = client.get("/portal/reset")
    client.post("/portal/reset", data={"email": me.email, "csrf": csrf_of(form)})
    mail.deliver_due(rt)
    link = path_of(smtp.link(smtp.to(me.email)[0]))
    clock.advance(rt.settings.portal_reset_minutes * 60 + 1)
    page = client.get(link)
    assert page.status_code == 410 and "nie działa" in page.text


def test_unknown_address_gets_the_same_answer_and_no_mail(
    client: TestClient, rt: Runtime, smtp: Mailbox
) -> None:
    form = client.get("/portal/reset")
    sent = client.post(
        "/portal/reset",
        data={"email": "nobody@example.pl", "csrf": csrf_of(form)},
        follow_redirects=False,
    )
    assert sent.headers["location"] == "/portal/reset/sent"
    assert mail.deliver_due(rt).sent == 0 and smtp.messages == []


def test_at_most_three_reset_mails_an_hour(client: TestClient, rt: Runtime, smtp: Mailbox) -> None:
    me = make_subscriber(rt)
    for _ in range(5):
        form = client.get("/portal/reset")
        client.post("/portal/reset", data={"email": me.email, "csrf": csrf_of(form)})
    mail.deliver_due(rt)
    assert len(smtp.to(me.email)) == 3


def test_p21_registration_is_rate_limited_per_address(
    client: TestClient, rt: Runtime, smtp: Mailbox
) -> None:
    rt.settings.form_max_posts_per_ip = 2
    for n in range(2):
        assert register(client, email=f"person{n}@example.pl").status_code == 303
    limited = register(client, email="person9@example.pl")
    assert limited.status_code == 429 and limited.headers["retry-after"]
    assert "Zbyt wiele prób" in limited.text
    with rt.sessions() as s:
        assert customers.id_for_login(rt, s, "person9@example.pl") is None


def test_a_forged_token_is_a_dead_link(client: TestClient) -> None:
    assert client.get("/portal/confirm?token=forged").status_code == 410
    assert client.get("/portal/reset/confirm?token=" + "x" * 43).status_code == 410
    page = client.get("/portal/reset")
    posted = client.post(
        "/portal/reset/confirm",
        data={
            "token": "forged",
            "password": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "csrf": csrf_of(page),
        },
    )
    assert posted.status_code == 410
