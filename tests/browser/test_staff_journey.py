"""The staff journey per role in a real browser (P03, P11, P12): log in with the second
factor, choose a purpose, open every page the menu shows (each one opens: the menu comes
from the access policy), find a customer by name and open their record with boxes,
orders and subscription; in Polish and English, at 390 and 1280 px. Screenshots in
tests/artifacts/journeys/ (one server, one login per role: about a minute)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import Live
from tests.support.console import browser_login
from tests.support.factories import make_device, make_staff, make_subscriber
from tests.support.shop import place_order, setup_shop

pytestmark = pytest.mark.browser

# a purpose each role works under
JOURNEYS = {
    "support": "service_delivery",
    "billing": "billing",
    "shipping": "shipment_contact",
    "marketing": "market_research",
    "analyst": "service_improvement",
    "dpo": "data_subject_request",
    "admin": "security",
}
WIDTHS = (1280, 390)


def _shoot(page: Page, folder: Path, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=folder / f"{name}-{width}.png", full_page=True)


def _visit(page: Page, url: str) -> int:
    response = page.goto(url)
    assert response is not None
    return response.status


def _menu(page: Page) -> list[str]:
    return [str(a.get_attribute("href")) for a in page.locator("header nav a").all()]


def test_p11_staff_journey_per_role_in_both_languages(
    browser: Browser, live: Live, artifacts: Path
) -> None:
    folder = artifacts / "journeys"
    folder.mkdir(exist_ok=True)
    setup_shop(live.rt)
    person = make_subscriber(live.rt, name="Jan Kowalski-Podróżny")
    make_device(live.rt, person.id)
    place_order(live.rt, person.id)
    problems: list[str] = []
    for role, purpose in JOURNEYS.items():
        context = browser.new_context(locale="pl-PL", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(20_000)
        try:
            page = context.new_page()
            staff, _ = make_staff(live.rt, role, username=f"journey-{role}")
            browser_login(page, live.url, live.rt, staff.username)
            page.locator(f"input[name=purpose][value={purpose}]").check()
            page.locator("form.purposes button[type=submit]").click()
            page.wait_for_load_state()
            for lang in ("", "/en"):
                problems += _walk(page, live, folder, role, lang)
        finally:
            context.close()
    assert not problems, problems


def _walk(page: Page, live: Live, folder: Path, role: str, lang: str) -> list[str]:
    problems: list[str] = []
    tag = f"{role}{lang.replace('/', '-') or '-pl'}"
    _visit(page, f"{live.url}{lang}/console")
    expected = "en" if lang else "pl"
    if page.locator("html").get_attribute("lang") != expected:
        problems.append(f"{tag}: /console is not in {expected}")
    _shoot(page, folder, f"{tag}-home")
    links = _menu(page)
    if not links:
        problems.append(f"{tag}: empty menu")
    for href in links:
        if not href.startswith(f"{lang}/console"):
            problems.append(f"{tag}: {href} leaves the language")
        if (status := _visit(page, f"{live.url}{href}")) != 200:
            problems.append(f"{tag}: {href} shown in the menu answers {status}")
        _shoot(page, folder, f"{tag}{href.removeprefix(lang).replace('/', '-')}")
    if f"{lang}/console/customers" in links:
        problems += _find_and_open(page, live, folder, tag, lang)
    return problems


def _find_and_open(page: Page, live: Live, folder: Path, tag: str, lang: str) -> list[str]:
    _visit(page, f"{live.url}{lang}/console/customers")
    page.fill("input[name=query]", "kowalski podrozny")
    page.locator("form.search button[type=submit]").click()
    page.wait_for_load_state()
    _shoot(page, folder, f"{tag}-search")
    opened = page.locator("table a[href*='/console/customers/']")
    if opened.count() != 1:
        return [f"{tag}: a search by name found {opened.count()} customers"]
    opened.click()
    page.wait_for_load_state()
    _shoot(page, folder, f"{tag}-customer")
    return [] if page.locator("h2").count() >= 2 else [f"{tag}: the record has no sections"]
