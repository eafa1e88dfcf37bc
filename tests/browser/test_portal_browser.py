"""In a real browser: log in and out, register, "who saw my data" (P16, B02)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from imbplus.portal import mail
from tests.browser.conftest import Live
from tests.support.console import browser_login
from tests.support.factories import PASSWORD, make_staff, make_subscriber

pytestmark = pytest.mark.browser


def portal_login(page: Page, live: Live, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{live.url}/portal/login")
    page.get_by_label("Adres e-mail").fill(email)
    page.get_by_label("Hasło").fill(password)
    page.get_by_role("button", name="Zaloguj się").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dzień dobry")


def console_login(page: Page, live: Live, username: str, purpose: str) -> None:
    """Password, then the code from the second factor (P12), then the purpose."""
    browser_login(page, live.url, live.rt, username)
    page.locator(f"input[name=purpose][value={purpose}]").check()
    page.locator("form.purposes button[type=submit]").click()


def test_p16_login_and_logout(context: BrowserContext, live: Live, artifacts: Path) -> None:
    me = make_subscriber(live.rt, name="Bogumiła Test")
    page = context.new_page()
    page.goto(f"{live.url}/portal")
    expect(page).to_have_url(f"{live.url}/portal/login")
    page.screenshot(path=artifacts / "portal-login.png", full_page=True)
    portal_login(page, live, me.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Dzień dobry, Bogumiła Test")
    page.screenshot(path=artifacts / "portal-home.png", full_page=True)
    session = [c for c in context.cookies() if c["name"] == "imb_session"]
    assert session and session[0]["httpOnly"] and session[0]["sameSite"] == "Strict"
    page.get_by_role("button", name="Wyloguj").click()
    expect(page).to_have_url(f"{live.url}/portal/login")
    assert not [c for c in context.cookies() if c["name"] == "imb_session"]
    page.goto(f"{live.url}/portal/account")
    expect(page).to_have_url(f"{live.url}/portal/login")
    # in English, through the language link
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to your account")


def test_p16_register_confirm_by_email_and_log_in(
    context: BrowserContext, live: Live, artifacts: Path
) -> None:
    page = context.new_page()
    page.goto(f"{live.url}/portal/register")
    page.get_by_label("Imię i nazwisko").fill("Zenon Rejestrowany")
    page.get_by_label("Adres e-mail").fill("zenon.rejestrowany@example.pl")
    page.get_by_label("Telefon").fill("+48 512 345 678")
    page.get_by_label("Ulica i numer").fill("ul. Lipowa 12")
    page.get_by_label("Kod pocztowy").fill("20-400")
    page.get_by_label("Miejscowość").fill("Lublin")
    page.get_by_label("Hasło (co najmniej 12 znaków)").fill(PASSWORD)
    page.get_by_label("Powtórz hasło").fill(PASSWORD)
    page.screenshot(path=artifacts / "portal-register.png", full_page=True)
    page.get_by_role("button", name="Załóż konto").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sprawdź skrzynkę e-mail")
    mail.deliver_due(live.rt)
    [message] = live.mailbox.to("zenon.rejestrowany@example.pl")
    page.goto(live.mailbox.link(message))
    page.get_by_role("button", name="Potwierdzam").click()
    expect(page.get_by_role("status")).to_contain_text("Adres e-mail potwierdzony")
    portal_login(page, live, "zenon.rejestrowany@example.pl")
    expect(page.locator("dl.record")).to_contain_text("Lublin")


def test_b02_who_saw_my_data_shows_a_staff_read(
    context: BrowserContext, live: Live, artifacts: Path
) -> None:
    me = make_subscriber(live.rt, name="Celina Widziana")
    staff, _ = make_staff(live.rt, "support", username="krystian.support")
    console = context.new_page()
    console_login(console, live, staff.username, "service_delivery")
    console.locator("input[name=query]").fill(me.email)
    console.get_by_role("button", name="Szukaj").click()
    console.get_by_role("link", name="Otwórz").click()
    expect(console.get_by_role("heading", level=1)).to_have_text("Celina Widziana")
    console.screenshot(path=artifacts / "console-customer.png", full_page=True)
    customer = context.browser.new_context(locale="pl-PL") if context.browser else context
    try:
        page = customer.new_page()
        portal_login(page, live, me.email)
        page.get_by_role("link", name="Kto widział moje dane").first.click()
        rows = page.locator("table.access tbody tr")
        staff_read = rows.filter(has_text="obsługa klienta").filter(has_text="odczyt danych")
        expect(staff_read.first).to_contain_text("świadczenie usługi")
        expect(staff_read.first).to_contain_text("Pracownik")
        text = page.content()
        assert "krystian.support" not in text and staff.display_name not in text
        assert "staff:" not in text
        page.screenshot(path=artifacts / "portal-who-saw-my-data.png", full_page=True)
    finally:
        if customer is not context:
            customer.close()
