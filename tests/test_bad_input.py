"""Bad input on the portal and survey pages (P12, P16, P19): clear error pages, values
escaped everywhere, and nothing stored from a refused request."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from imbplus.auth import sessions
from imbplus.customers.models import Customer
from imbplus.notify.models import OutboxMessage
from imbplus.portal import mail
from imbplus.portal.models import CustomerAccount, PortalToken
from imbplus.runtime import Runtime
from imbplus.surveys.models import Answer, OptOut, Response
from imbplus.traffic.models import RateLimitHit
from tests.portal.test_pages import portal_login
from tests.portal.test_signup import FORM, path_of
from tests.staff.test_console import choose, csrf_of, login
from tests.support.factories import make_staff, make_subscriber
from tests.support.smtp import Mailbox
from tests.support.surveys import field_names, make_survey

SCRIPT = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"
STORES = (Customer, CustomerAccount, PortalToken, OutboxMessage, Response, Answer, OptOut)


def counts(rt: Runtime) -> dict[str, int]:
    with rt.sessions() as s:
        return {
            m.__tablename__: int(s.execute(select(func.count()).select_from(m)).scalar_one())
            for m in STORES
        }


def test_oversized_form_posts_get_a_page_and_store_nothing(client: TestClient, rt: Runtime) -> None:
    before = counts(rt)
    page = client.get("/portal/register")
    huge = {**FORM, "name": "A" * (rt.settings.max_body_bytes + 1), "csrf": csrf_of(page)}
    refused = client.post("/portal/register", data=huge)
    assert refused.status_code == 413
    assert refused.headers["content-type"].startswith("text/html")
    assert "Za dużo danych" in refused.text and "Too much data" in refused.text
    survey = make_survey(rt, [{"kind": "free_text", "prompt": "?"}], audience="public")
    before = counts(rt)
    form = client.get(f"/surveys/{survey.id}")
    too_long = client.post(
        f"/surveys/{survey.id}",
        data={"q1": "x", "csrf": csrf_of(form)},
        files={"upload": ("a.bin", b"0" * (rt.settings.max_body_bytes + 1))},
    )
    assert too_long.status_code == 413
    # a long field inside the limit is named on the page
    long_name = client.post(
        "/portal/register", data={**FORM, "name": "A" * 5000, "csrf": csrf_of(page)}
    )
    assert long_name.status_code == 422 and "name" in long_name.text
    assert counts(rt) == before


def test_html_in_every_text_field_is_escaped_everywhere(
    client: TestClient, rt: Runtime, smtp: Mailbox
) -> None:
    evil = {
        "name": f"Ala {SCRIPT}",
        "street": f"ul. {SCRIPT} 1",
        "city": f"<img src=x onerror=alert(1)>{SCRIPT}",
        "email": "ala.script@example.pl",
    }
    page = client.get("/portal/register")
    client.post("/portal/register", data={**FORM, **evil, "csrf": csrf_of(page)})
    mail.deliver_due(rt)
    link = path_of(smtp.link(smtp.to(evil["email"])[0]))
    confirm = client.get(link)
    client.post("/portal/confirm", data={"token": link.split("=", 1)[1], "csrf": csrf_of(confirm)})
    portal_login(client, evil["email"])
    survey = make_survey(
        rt,
        [
            {
                "kind": "single_choice",
                "prompt": f"Pytanie {SCRIPT}",
                "options": [SCRIPT, "b"],
                "required": True,
            },
            {"kind": "free_text", "prompt": "Uwagi"},
        ],
        title=f"Ankieta {SCRIPT}",
    )
    f = field_names(rt, survey.id)
    pages = [client.get(p).text for p in ("/portal", "/portal/account", "/portal/surveys")]
    answer_page = client.get(f"/portal/surveys/{survey.id}")
    pages.append(answer_page.text)
    refused = client.post(
        f"/portal/surveys/{survey.id}",
        data={f["free_text"]: SCRIPT, "csrf": csrf_of(answer_page)},  # the choice is missing
    )
    assert refused.status_code == 422
    pages.append(refused.text)
    pages.append(client.get(f"/surveys/{survey.id}").text)
    client.cookies.clear()
    staff, _ = make_staff(rt, "support")
    login(client, staff.username)
    choose(client, "service_delivery")
    with rt.sessions() as s:
        customer_id = s.execute(select(CustomerAccount.customer_id)).scalar_one()
    pages.append(client.get(f"/console/customers/{customer_id}").text)
    for text in pages:
        assert "<script>alert" not in text and "<img src=x" not in text
    assert all(ESCAPED in text for text in pages if "Ankieta" in text or "Ala" in text)
    assert sum(ESCAPED in text for text in pages) >= 6


def test_forged_csrf_is_refused_on_every_form_and_stores_nothing(
    client: TestClient, rt: Runtime
) -> None:
    me = make_subscriber(rt)
    survey = make_survey(rt, [{"kind": "age", "prompt": "Wiek"}])
    f = field_names(rt, survey.id)
    before = counts(rt)
    client.get("/portal/register")  # the anti-forgery cookie exists; the form value is wrong
    public = [
        ("/portal/register", {**FORM}),
        ("/portal/reset", {"email": me.email}),
        ("/portal/confirm", {"token": "t"}),
        ("/portal/reset/confirm", {"token": "t", "password": "x" * 12, "password2": "x" * 12}),
        (f"/surveys/{survey.id}", {f["age"]: "30"}),
        ("/portal/login", {"email": me.email, "password": "whatever it is"}),
    ]
    for path, data in public:
        refused = client.post(path, data={**data, "csrf": "forged"})
        assert refused.status_code == 403, path
        assert "nie pochodzi z naszej strony" in refused.text, path
    portal_login(client, me.email)
    private = [
        ("/portal/account", {**{k: FORM[k] for k in FORM if "password" not in k}}),
        ("/portal/account/password", {"current": "x", "password": "y", "password2": "y"}),
        ("/portal/surveys/opt-out", {"confirm": "yes"}),
        (f"/portal/surveys/{survey.id}", {f["age"]: "30"}),
        ("/portal/logout", {}),
    ]
    for path, data in private:
        refused = client.post(path, data={**data, "csrf": "forged"})
        assert refused.status_code == 403, path
    assert client.get("/portal").status_code == 200  # still logged in: logout was refused
    assert counts(rt) == before


def test_a_session_replayed_after_logout_opens_nothing(client: TestClient, rt: Runtime) -> None:
    me = make_subscriber(rt)
    cookie = portal_login(client, me.email).cookies[sessions.CUSTOMER_COOKIE]
    home = client.get("/portal")
    csrf = csrf_of(home)
    client.post("/portal/logout", data={"csrf": csrf})
    client.cookies.set(sessions.CUSTOMER_COOKIE, cookie)
    for path in ("/portal", "/portal/account", "/portal/access-log", "/portal/surveys"):
        replay = client.get(path, follow_redirects=False)
        assert replay.status_code == 303 and replay.headers["location"] == "/portal/login"
    before = counts(rt)
    posted = client.post("/portal/account", data={**FORM, "csrf": csrf}, follow_redirects=False)
    assert posted.status_code == 303 and posted.headers["location"] == "/portal/login"
    assert counts(rt) == before


def test_rate_limited_posts_are_pages_that_store_nothing(client: TestClient, rt: Runtime) -> None:
    rt.settings.form_max_posts_per_ip = 1
    survey = make_survey(rt, [{"kind": "age", "prompt": "Wiek"}], audience="public")
    f = field_names(rt, survey.id)
    page = client.get(f"/en/surveys/{survey.id}")
    ok = client.post(f"/en/surveys/{survey.id}", data={f["age"]: "30", "csrf": csrf_of(page)})
    assert ok.status_code == 200  # followed to the thanks page
    before = counts(rt)
    limited = client.post(f"/en/surveys/{survey.id}", data={f["age"]: "31", "csrf": csrf_of(page)})
    assert limited.status_code == 429 and "Too many attempts" in limited.text
    assert re.search(r"\d+", limited.headers["retry-after"])
    assert counts(rt) == before
    with rt.sessions() as s:
        assert s.execute(select(func.count()).select_from(RateLimitHit)).scalar_one() == 1
