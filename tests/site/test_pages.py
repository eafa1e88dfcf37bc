"""P16, P17, P12: the public pages in both languages, anonymous, self-contained, with
marked external links, security headers and friendly error pages."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from imbplus.demo.policy import load as load_policy
from imbplus.money import format_money
from imbplus.runtime import Runtime
from imbplus.site.service import offer
from tests.support.site import decide

PAGES = ("/", "/offer", "/help", "/privacy", "/cookies", "/contact", "/feedback")
_LINK = re.compile(r"<(a|link|script|img)\b[^>]*\b(href|src)=\"([^\"]+)\"[^>]*>")


@pytest.mark.parametrize("prefix", ["", "/pl", "/en"])
def test_p16_public_pages_need_no_login_in_both_languages(
    client: TestClient, rt: Runtime, prefix: str
) -> None:
    load_policy(rt)
    lang = "en" if prefix == "/en" else "pl"
    for path in PAGES:
        page = client.get(prefix + path, follow_redirects=False)
        assert page.status_code == 200, path
        assert f'<html lang="{lang}">' in page.text
        assert page.headers.get_list("set-cookie") == []
        csp = page.headers["content-security-policy"]
        assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert page.headers["x-content-type-options"] == "nosniff"


def test_p17_external_links_are_marked_and_nothing_else_leaves_the_site(
    client: TestClient, rt: Runtime
) -> None:
    load_policy(rt)
    externals = 0
    for prefix in ("", "/en"):
        for path in PAGES:
            page = client.get(prefix + path)
            for tag, attr, target in (m.groups() for m in _LINK.finditer(page.text)):
                if target.startswith(("/", "#")):
                    continue
                # only marked links may point elsewhere; no script, style or image does
                element = next(
                    m.group(0) for m in _LINK.finditer(page.text) if m.group(3) == target
                )
                assert tag == "a" and attr == "href", element
                assert 'class="external"' in element and 'rel="noopener noreferrer"' in element
                externals += 1
            assert "<script" not in page.text
            assert ("nie oznacza to, że polecamy" in page.text) or (
                "does not mean we endorse" in page.text
            )
    assert externals >= 6


def test_the_home_page_is_the_site_and_the_console_stays(client: TestClient) -> None:
    home = client.get("/", follow_redirects=False)
    assert home.status_code == 200 and "Telewizja przez internet" in home.text
    assert client.get("/console", follow_redirects=False).headers["location"] == "/console/login"
    assert "Television over the internet" in client.get("/en").text


def test_the_offer_comes_from_one_place(client: TestClient, rt: Runtime) -> None:
    with rt.unit_of_work() as s:
        shown = offer(s, "en")
    page = client.get("/en/offer").text
    for item in shown.packages + shown.boxes:
        assert item.name in page and format_money(item.price_gross, "en") in page
    assert "PLN\u00a069.99 / month" in page and "69,99\u00a0zł / mies." in client.get("/offer").text


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/de/offer", "Nie znaleziono strony"),
        ("/EN/offer", "Nie znaleziono strony"),
        ("/en-gb/offer", "Nie znaleziono strony"),
        ("/enoffer", "Nie znaleziono strony"),
        ("/pl/en/offer", "Nie znaleziono strony"),
        ("/xx", "Nie znaleziono strony"),
        ("/en/%00", "Page not found"),
        ("/en/en/offer", "Page not found"),
    ],
)
def test_malformed_language_prefix_is_a_clear_404_page(
    client: TestClient, path: str, title: str
) -> None:
    page = client.get(path)
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert title in page.text and 'href="/en/"' in page.text
    assert page.headers.get_list("set-cookie") == []


def test_404_in_english(client: TestClient) -> None:
    page = client.get("/en/no-such-page")
    assert page.status_code == 404 and "Page not found" in page.text
    assert "There is nothing at this address" in page.text


def test_p12_500_is_a_friendly_page_in_both_languages(app: FastAPI) -> None:
    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("internal detail: /etc/imbplus/secret")

    with TestClient(app, raise_server_exceptions=False) as c:
        for prefix, words in (("", "Coś poszło nie tak"), ("/en", "Something went wrong")):
            page = c.get(f"{prefix}/boom")
            assert page.status_code == 500 and words in page.text
            assert "secret" not in page.text and "Traceback" not in page.text
            assert "RuntimeError" not in page.text


def test_p12_cookies_are_secure_and_hsts_is_sent_behind_tls(app: FastAPI) -> None:
    with TestClient(app, base_url="https://testserver") as tls:
        home = tls.get("/")
        assert home.headers["strict-transport-security"].startswith("max-age=")
        answer = decide(tls, "accept_all", prefix="/en")
        for header in answer.headers.get_list("set-cookie"):
            assert "secure" in header.lower() and "httponly" in header.lower()
        offer = tls.get("/en/offer")
        assert offer.headers.get_list("set-cookie")
        assert all("secure" in h.lower() for h in offer.headers.get_list("set-cookie"))


def test_p12_untrusted_host_is_refused(client: TestClient) -> None:
    assert client.get("/", headers={"host": "imbplus.evil.example"}).status_code == 400


def test_offer_shows_what_the_shop_sells(client: TestClient, rt: Runtime) -> None:
    from imbplus.shop import catalog

    before = client.get("/offer").text
    assert "sklep internetowy wkrótce" in before  # example items while the catalogue is empty
    with rt.unit_of_work() as s:
        catalog.load_default(s)
    page = client.get("/offer").text
    assert "Pakiet Sport Max" in page and "99,99" in page
    assert "sklep internetowy wkrótce" not in page and 'href="/portal/shop"' in page
    english = client.get("/en/offer").text
    assert (
        "160 channels with the sports package." in english and 'href="/en/portal/shop"' in english
    )
