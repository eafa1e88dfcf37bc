"""P12, P16: the login e-mail changes only with the current password and a link followed from
the new address; the old address hears of it; the answer never tells who is a customer."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from imbplus.clock import clock
from imbplus.compliance import retention
from imbplus.portal import mail
from imbplus.portal.models import PortalToken
from imbplus.privacy.models import AuditRecord
from imbplus.runtime import Runtime
from tests.portal.test_account import current_email, current_form
from tests.portal.test_pages import portal_login
from tests.support.factories import PASSWORD, make_subscriber
from tests.support.smtp import Mailbox

NEW = "nowy.adres@example.pl"


def ask(client: TestClient, email: str, current: str = PASSWORD) -> Response:
    csrf = current_form(client)["csrf"]
    return client.post(
        "/portal/account/email",
        data={"email": email, "current": current, "csrf": csrf},
        follow_redirects=False,
    )


def follow(client: TestClient, link: str) -> Response:
    path = link.removeprefix("http://testserver")
    page = client.get(path)
    assert page.status_code == 200, page.text
    token = path.split("token=")[1]
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    return client.post(
        "/portal/email/confirm", data={"token": token, "csrf": csrf}, follow_redirects=False
    )


def notice_of(page: str) -> str:
    return page.split('<p class="notice" role="status">')[1].split("</p>")[0]


def subjects(smtp: Mailbox, address: str) -> list[str]:
    return [str(m["Subject"]) for m in smtp.to(address)]


def test_p12_change_needs_the_password_and_the_link(
    client: TestClient, rt: Runtime, smtp: Mailbox
) -> None:
    me = make_subscriber(rt)
    portal_login(client, me.email)
    wrong = ask(client, NEW, current="not the password")
    assert wrong.status_code == 422 and 'id="current-problem"' in wrong.text
    invalid = ask(client, "not an address")
    assert invalid.status_code == 422 and 'id="email-problem"' in invalid.text
    mail.deliver_due(rt)
    assert smtp.messages == []
    asked = ask(client, NEW)
    assert asked.headers["location"] == "/portal/account?done=email_sent"
    assert "link potwierdzający" in client.get("/portal/account?done=email_sent").text
    assert current_email(client) == me.email  # nothing changed yet
    with rt.sessions() as s:
        pending = s.execute(select(PortalToken).where(PortalToken.kind == "email")).scalar_one()
        assert pending.new_email_ct and NEW.encode() not in pending.new_email_ct
    mail.deliver_due(rt)
    assert subjects(smtp, me.email) == ["IMB+: prośba o zmianę adresu e-mail"]
    [link_mail] = smtp.to(NEW)
    assert link_mail["Subject"] == "IMB+: potwierdź nowy adres e-mail"
    client.cookies.clear()
    assert portal_login(client, NEW).status_code == 401  # not before the link
    done = follow(client, smtp.link(link_mail))
    assert done.headers["location"] == "/portal/login?done=email_changed"
    mail.deliver_due(rt)
    assert subjects(smtp, me.email)[-1] == "IMB+: zmiana adresu e-mail"  # told to the old one
    assert portal_login(client, me.email).status_code == 401
    assert portal_login(client, NEW).status_code == 303
    assert current_email(client) == NEW
    again = client.get(smtp.link(link_mail).removeprefix("http://testserver"))
    assert again.status_code == 410  # a link works once
    with rt.sessions() as s:
        used = s.execute(select(PortalToken).where(PortalToken.kind == "email")).scalar_one()
        assert used.used_at is not None and used.new_email_ct is None
        actions = set(
            s.execute(select(AuditRecord.action).where(AuditRecord.subject_id == me.id)).scalars()
        )
    assert {"portal.email_change_requested", "portal.email_changed"} <= actions


def test_p12_a_taken_address_gets_the_same_answer_and_its_owner_is_told(
    client: TestClient, rt: Runtime, smtp: Mailbox
) -> None:
    other = make_subscriber(rt)
    me = make_subscriber(rt)
    portal_login(client, me.email)
    free = ask(client, NEW)
    free_page = client.get(free.headers["location"]).text
    taken = ask(client, other.email.upper())
    assert (taken.status_code, taken.headers["location"]) == (303, free.headers["location"])
    taken_page = client.get(taken.headers["location"]).text
    assert notice_of(taken_page) == notice_of(free_page)
    mail.deliver_due(rt)
    [notice] = smtp.to(other.email)  # the owner hears of it; no link anywhere
    assert notice["Subject"] == "IMB+: próba użycia Twojego adresu e-mail"
    assert "http" not in smtp.text(notice)
    assert len(smtp.to(me.email)) == 2  # both requests were told to the address on record
    with rt.sessions() as s:
        links = s.execute(select(PortalToken).where(PortalToken.kind == "email")).scalars()
        assert len(links.all()) == 1  # only the free address got one
    assert current_email(client) == me.email


def test_an_address_taken_before_the_link_is_followed_is_not_changed(
    client: TestClient, rt: Runtime, smtp: Mailbox
) -> None:
    me = make_subscriber(rt)
    portal_login(client, me.email)
    ask(client, NEW)
    mail.deliver_due(rt)
    [link_mail] = smtp.to(NEW)
    make_subscriber(rt, email=NEW)  # someone else registers the address meanwhile
    refused = follow(client, smtp.link(link_mail))
    assert refused.status_code == 410
    assert current_email(client) == me.email
    mail.deliver_due(rt)
    assert "IMB+: zmiana adresu e-mail" not in subjects(smtp, me.email)


def test_asking_again_and_again_sends_only_a_few(
    client: TestClient, rt: Runtime, smtp: Mailbox
) -> None:
    me = make_subscriber(rt)
    portal_login(client, me.email)
    for n in range(5):
        assert ask(client, f"adres{n}@example.pl").status_code == 303
    mail.deliver_due(rt)
    assert (
        len(smtp.to(me.email)) == 3
        and sum(len(smtp.to(f"adres{n}@example.pl")) for n in range(5)) == 3
    )


def test_p13_a_link_never_followed_goes_with_its_address(
    client: TestClient, rt: Runtime, smtp: Mailbox
) -> None:
    me = make_subscriber(rt)
    portal_login(client, me.email)
    ask(client, NEW)
    assert {r.rule: r for r in retention.run(rt)}["portal.links"].count == 0
    clock.advance(timedelta(hours=rt.settings.portal_confirm_hours, days=31).total_seconds())
    assert {r.rule: r for r in retention.run(rt)}["portal.links"].count == 1
    with rt.sessions() as s:
        assert s.execute(select(PortalToken)).scalars().all() == []


def test_p12_a_password_change_kills_a_pending_address_change(
    client: TestClient, rt: Runtime, smtp: Mailbox
) -> None:
    """Someone who knew the password asked for their own address; the owner, warned, changes
    the password: the link to the other address must not work any more."""
    me = make_subscriber(rt)
    portal_login(client, me.email)
    assert ask(client, NEW).headers["location"] == "/portal/account?done=email_sent"
    mail.deliver_due(rt)
    [link_mail] = smtp.to(NEW)
    csrf = current_form(client)["csrf"]
    changed = client.post(
        "/portal/account/password",
        data={
            "current": PASSWORD,
            "password": "Inne-Haslo-2026!",
            "password2": "Inne-Haslo-2026!",
            "csrf": csrf,
        },
        follow_redirects=False,
    )
    assert changed.status_code == 303, changed.text
    client.cookies.clear()
    dead = client.get(smtp.link(link_mail).removeprefix("http://testserver"))
    assert dead.status_code == 410
    assert portal_login(client, me.email, "Inne-Haslo-2026!").status_code == 303
    assert current_email(client) == me.email
