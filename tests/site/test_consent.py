"""P18: the cookie register, consent as proof, and cookies only with consent."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI, Response
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from imbplus.demo.policy import load as load_policy
from imbplus.runtime import Runtime
from imbplus.site.models import ConsentRecord
from imbplus.web import cookies
from imbplus.web.clientip import mask
from tests.staff.test_console import choose, login
from tests.support.factories import make_staff, make_subscriber
from tests.support.site import cookie_names, decide, token_of


def consent_count(rt: Runtime) -> int:
    with rt.unit_of_work() as s:
        return int(s.execute(select(func.count()).select_from(ConsentRecord)).scalar_one())


def test_p18_every_cookie_the_system_sets_is_in_the_register(
    client: TestClient, rt: Runtime
) -> None:
    """Walk every page that sets cookies: login pages, logins, the consent decision."""
    seen: set[str] = set()
    staff, _ = make_staff(rt, "support")
    subscriber = make_subscriber(rt)
    seen.update(cookie_names(client.get("/console/login")))
    seen.update(cookie_names(login(client, staff.username)))
    from tests.portal.test_pages import portal_login

    seen.update(cookie_names(client.get("/portal/login")))
    seen.update(cookie_names(portal_login(client, subscriber.email)))
    seen.update(cookie_names(decide(client, "accept_all", prefix="/en")))
    seen.update(cookie_names(client.get("/en/offer")))
    assert seen == {"imb_csrf", "imb_staff", "imb_session", "imb_consent", "imb_lang", "imb_stats"}
    assert seen <= set(cookies.BY_NAME)
    # and the cookie page prints every entry of the register
    page = client.get("/pl/cookies")
    for spec in cookies.REGISTER:
        assert f'id="cookie-{spec.name}"' in page.text
    assert "statystyka" in page.text and "preferencje" in page.text


def test_p18_set_cookie_refuses_an_unregistered_cookie(app: FastAPI) -> None:
    from starlette.requests import Request

    from imbplus.web.pages import set_cookie

    request = Request({"type": "http", "scheme": "http", "app": app, "headers": []})
    with pytest.raises(ValueError, match="not in the cookie register"):
        set_cookie(request, Response(), "tracker", "x")


def test_p16_public_pages_set_no_cookie_and_show_the_banner(client: TestClient) -> None:
    for path in ("/", "/offer", "/help", "/privacy", "/cookies", "/contact", "/feedback", "/en/"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert page.headers.get_list("set-cookie") == [], path
    home = client.get("/")
    assert 'class="cookie-banner"' in home.text
    assert 'value="accept_all"' in home.text and 'value="reject_all"' in home.text


def test_p18_accept_all_is_stored_as_proof(client: TestClient, rt: Runtime) -> None:
    load_policy(rt)
    answer = decide(client, "accept_all")
    assert answer.status_code == 303 and answer.headers["location"] == "/cookies?saved=1"
    set_cookies = answer.headers.get_list("set-cookie")
    consent_header = next(h for h in set_cookies if h.startswith("imb_consent="))
    assert "httponly" in consent_header.lower() and "samesite=lax" in consent_header.lower()
    consent_id = consent_header.split("=", 1)[1].split(";", 1)[0]
    assert re.fullmatch(r"[0-9a-f]{32}", consent_id)
    with rt.unit_of_work() as s:
        record = s.get(ConsentRecord, consent_id)
        assert record is not None
        assert (record.action, record.preferences, record.statistics) == ("accept_all", True, True)
        assert record.policy_version_id is not None and record.lang == "pl"
        # the masked address is encrypted: not even the masked form is in plain text
        raw = s.execute(
            text("SELECT ip_masked_ct FROM consent_records WHERE id = :i"), {"i": consent_id}
        ).scalar_one()
    assert b"testclient" not in bytes(raw) and b"0/24" not in bytes(raw)
    page = client.get("/cookies")
    assert consent_id in page.text and 'class="cookie-banner"' not in page.text


def test_p18_choose_only_statistics(client: TestClient, rt: Runtime) -> None:
    answer = decide(client, "choose", statistics="on")
    assert answer.status_code == 303
    assert cookie_names(answer) == ["imb_consent"]
    offer = client.get("/en/offer")  # an explicit language, but no consent to preferences
    assert cookie_names(offer) == ["imb_stats"]
    assert client.get("/offer", follow_redirects=False).status_code == 200


def test_p18_rejecting_deletes_the_optional_cookies(client: TestClient, rt: Runtime) -> None:
    decide(client, "accept_all", prefix="/en")
    client.get("/en/offer")
    assert {"imb_lang", "imb_stats"} <= set(client.cookies.keys())
    answer = decide(client, "reject_all")
    deleted = [h for h in answer.headers.get_list("set-cookie") if "max-age=0" in h.lower()]
    assert sorted(h.split("=", 1)[0] for h in deleted) == ["imb_lang", "imb_stats"]
    assert set(client.cookies.keys()) == {"imb_consent"}
    with rt.unit_of_work() as s:
        records = list(
            s.execute(select(ConsentRecord).order_by(ConsentRecord.decided_at)).scalars()
        )
    assert [r.action for r in records] == ["accept_all", "reject_all"]
    assert records[1].replaces == records[0].id  # the chain of one browser's decisions


def test_p18_without_consent_no_optional_cookie_survives(client: TestClient) -> None:
    """Cookies a browser still has without consent are deleted on the next page."""
    client.cookies.set("imb_stats", "20260101")
    client.cookies.set("imb_lang", "en")
    page = client.get("/help")
    assert page.status_code == 200 and 'lang="pl"' in page.text  # no redirect to English
    assert sorted(cookie_names(page)) == ["imb_lang", "imb_stats"]
    assert all("max-age=0" in h.lower() for h in page.headers.get_list("set-cookie"))


def test_p18_the_middleware_drops_an_optional_cookie_set_without_consent(
    app: FastAPI,
) -> None:
    @app.get("/sneaky")
    def sneaky() -> Response:
        response = Response("ok")
        response.set_cookie("imb_stats", "20260101")
        response.set_cookie("imb_csrf", "necessary-is-fine")
        return response

    with TestClient(app) as c:
        names = cookie_names(c.get("/sneaky"))
        assert names == ["imb_csrf"]
        decide(c, "choose", statistics="on")
        assert "imb_stats" in cookie_names(c.get("/sneaky"))


@pytest.mark.parametrize(
    "data",
    [
        {"choice": "accept_everything"},
        {"choice": ""},
    ],
)
def test_bad_choice_is_a_clear_error_and_stores_nothing(
    client: TestClient, rt: Runtime, data: dict[str, str]
) -> None:
    page = client.get("/cookies")
    answer = client.post("/cookies/consent", data={"token": token_of(page), **data})
    assert answer.status_code == 422 and "Niektóre dane są niepoprawne: Wybór." in answer.text
    assert 'lang="pl"' in answer.text and "<html" in answer.text
    assert consent_count(rt) == 0 and answer.headers.get_list("set-cookie") == []


def test_p12_forged_or_cross_site_consent_is_refused(client: TestClient, rt: Runtime) -> None:
    page = client.get("/en/cookies")
    good = token_of(page)
    forged = good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")
    for token, headers in (
        ("forged", {}),
        (forged, {}),
        (good.replace(good.split(".")[1], "9999999999", 1), {}),  # another expiry
        (good, {"origin": "https://evil.example"}),
        (good, {"sec-fetch-site": "cross-site"}),
    ):
        answer = client.post(
            "/en/cookies/consent",
            data={"token": token, "choice": "accept_all"},
            headers=headers,
            follow_redirects=False,
        )
        assert answer.status_code == 403, (token, headers)
        assert "did not come from our site" in answer.text and 'lang="en"' in answer.text
        assert answer.headers.get_list("set-cookie") == []
    assert consent_count(rt) == 0
    ok = client.post(
        "/en/cookies/consent",
        data={"token": good, "choice": "accept_all"},
        headers={"origin": "http://testserver", "sec-fetch-site": "same-origin"},
        follow_redirects=False,
    )
    assert ok.status_code == 303 and consent_count(rt) == 1


def test_the_redirect_after_a_decision_stays_on_this_site(client: TestClient) -> None:
    page = client.get("/")
    for target, expected in (
        ("/offer", "/offer"),
        ("/en/help", "/en/help"),
        ("https://evil.example/", "/cookies?saved=1"),
        ("//evil.example", "/cookies?saved=1"),
        ("/\\evil.example", "/cookies?saved=1"),
    ):
        answer = client.post(
            "/cookies/consent",
            data={"token": token_of(page), "choice": "reject_all", "next": target},
            follow_redirects=False,
        )
        assert answer.headers["location"] == expected


def test_p21_addresses_are_masked() -> None:
    assert mask("192.0.2.77") == "192.0.2.0/24"
    assert mask("2001:db8:1:2::5") == "2001:db8:1::/48"
    assert mask("::ffff:198.51.100.9") == "198.51.100.0/24"
    assert mask("testclient") == "unknown"


def test_p18_the_dpo_sees_the_proofs(client: TestClient, rt: Runtime) -> None:
    load_policy(rt)
    decide(client, "choose", preferences="on")
    consent_id = client.cookies["imb_consent"]
    client.cookies.clear()
    dpo, _ = make_staff(rt, "dpo")
    login(client, dpo.username)
    choose(client, "regulatory_compliance")
    page = client.get(f"/console/privacy/consents?consent_id={consent_id}")
    assert page.status_code == 200
    assert consent_id in page.text and "choose" in page.text
    assert client.get("/console/privacy/consents?consent_id=<x>").status_code == 422
    support, _ = make_staff(rt, "support")
    client.cookies.clear()
    login(client, support.username)
    choose(client, "service_delivery")
    assert client.get("/console/privacy/consents").status_code == 403
