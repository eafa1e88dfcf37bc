"""P03, B01: the console pages of campaigns, the portal switch and the unsubscribe link."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from imbplus.marketing import links
from imbplus.marketing.models import Campaign, Objection
from imbplus.notify.models import OutboxMessage
from imbplus.runtime import Runtime
from tests.marketing.support import approved_campaign, send
from tests.portal.test_pages import portal_login
from tests.support.console import choose, csrf_of, login
from tests.support.factories import make_customer, make_staff, make_subscriber
from tests.support.shop import setup_shop

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _console(client: TestClient, rt: Runtime) -> None:
    client.cookies.clear()
    staff, _ = make_staff(rt, "marketing")
    login(client, staff.username)
    choose(client, "marketing")


def _form(**extra: str) -> dict[str, str]:
    return {
        "name": "Sport HD",
        "subject_pl": "Nowy pakiet",
        "body_pl": HOSTILE,
        "subject_en": "A new package",
        "body_en": "Live matches.",
        **extra,
    }


def test_p03_console_new_count_approve_send(client: TestClient, rt: Runtime) -> None:
    setup_shop(rt)
    for _ in range(6):
        make_customer(rt)
    _console(client, rt)
    page = client.get("/console/marketing")
    assert page.status_code == 200 and "Kampanie marketingowe" in page.text
    counted = client.post(
        "/console/marketing/preview", data={"region": "małopolskie", "csrf": csrf_of(page)}
    )
    assert counted.status_code == 200 and "Otrzymają wiadomość" in counted.text
    assert "@example" not in counted.text
    made = client.post(
        "/console/marketing", data={**_form(), "csrf": csrf_of(page)}, follow_redirects=False
    )
    assert made.status_code == 303
    path = made.headers["location"]
    mine = client.get(path)
    assert HOSTILE not in mine.text and "&lt;script&gt;" in mine.text
    assert "Zatwierdź</button>" not in mine.text  # the author does not approve
    _console(client, rt)  # a colleague approves and sends
    other = client.get(path)
    approved = client.post(f"{path}/approve", data={"csrf": csrf_of(other)}, follow_redirects=False)
    assert approved.status_code == 303
    sent = client.post(f"{path}/send", data={"csrf": csrf_of(other)}, follow_redirects=True)
    assert "Wiadomości są w kolejce do wysłania." in sent.text
    with rt.sessions() as s:
        assert s.execute(select(Campaign.queued)).scalar_one() == 6
    twice = client.post(f"{path}/send", data={"csrf": csrf_of(other)})
    assert twice.status_code == 409
    english = client.get("/en/console/marketing")
    assert "Marketing campaigns" in english.text and "Kampanie" not in english.text


def test_p03_console_names_bad_fields_and_keeps_nothing(client: TestClient, rt: Runtime) -> None:
    setup_shop(rt)
    _console(client, rt)
    page = client.get("/console/marketing")
    refused = client.post(
        "/console/marketing",
        data={**_form(subject_pl=" ", region="atlantis"), "csrf": csrf_of(page)},
    )
    assert refused.status_code == 422
    assert "Temat po polsku: To pole jest wymagane." in refused.text
    assert "Województwo: Nie ma takiej wartości" in refused.text
    with rt.sessions() as s:
        assert s.execute(select(Campaign)).first() is None


def test_b01_the_portal_switch_objects_and_withdraws(client: TestClient, rt: Runtime) -> None:
    me = make_subscriber(rt)
    send(rt, approved_campaign(rt))
    portal_login(client, me.email)
    page = client.get("/portal/privacy/marketing")
    assert "Nie chcę otrzymywać ofert" in page.text
    done = client.post(
        "/portal/privacy/marketing",
        data={"choice": "object", "csrf": csrf_of(page)},
        follow_redirects=True,
    )
    assert "Zapisaliśmy Twój sprzeciw" in done.text and "w portalu" in done.text
    with rt.sessions() as s:
        assert s.execute(select(OutboxMessage.status)).scalar_one() == "cancelled"
    back = client.post(
        "/en/portal/privacy/marketing",
        data={"choice": "welcome", "csrf": csrf_of(done)},
        follow_redirects=True,
    )
    assert "We may send you offers again." in back.text
    with rt.sessions() as s:
        (row,) = s.execute(select(Objection)).scalars()
        assert row.channel == "portal" and row.withdrawn_at is not None


def _signed(page: object) -> str:
    form = page.text.split('action="/unsubscribe"', 1)[1]  # type: ignore[attr-defined]
    found = re.search(r'name="token" value="([^"]+)"', form)
    assert found
    return found.group(1)


def test_b01_the_link_in_a_message_objects_without_login(client: TestClient, rt: Runtime) -> None:
    me = make_customer(rt)
    token = links.token(rt.keyring.master, me.id)
    forged = links.token(rt.keyring.master, me.id)[:-4] + "AAAA"
    pages = {}
    for name, value in (("ours", token), ("forged", forged), ("garbage", "x" * 40)):
        shown = client.get(f"/unsubscribe?token={value}")
        assert shown.status_code == 200
        posted = client.post("/unsubscribe", data={"link": value, "token": _signed(shown)})
        assert posted.status_code == 200 and not posted.cookies
        pages[name] = re.sub(r'value="[^"]*"', "", posted.text)
        with rt.sessions() as s:
            count = len(s.execute(select(Objection)).all())
        assert count == 1  # recorded once, by our link; the others change nothing
    assert pages["ours"] == pages["forged"] == pages["garbage"]
    again = client.get(f"/unsubscribe?token={token}")
    client.post("/unsubscribe", data={"link": token, "token": _signed(again)})
    with rt.sessions() as s:
        (row,) = s.execute(select(Objection)).scalars()
    assert row.channel == "link" and row.customer_id == me.id
