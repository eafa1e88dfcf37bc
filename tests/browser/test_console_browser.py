"""In a real browser: the first console login enrols the second factor (P12); the QR code is
drawn by the page itself, within its Content-Security-Policy."""

from __future__ import annotations

from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import BrowserContext, expect

from imbplus.clock import clock
from tests.browser.conftest import Live
from tests.support.factories import PASSWORD, make_staff

pytestmark = pytest.mark.browser


def test_p12_first_login_enrols_with_a_local_qr_code(
    context: BrowserContext, live: Live, artifacts: Path
) -> None:
    staff, _ = make_staff(live.rt, "dpo", enrolled=False)
    page = context.new_page()
    complaints: list[str] = []
    page.on("console", lambda m: complaints.append(m.text) if m.type == "error" else None)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live.url) else None)
    page.goto(f"{live.url}/console/login")
    page.get_by_label("Nazwa użytkownika").fill(staff.username)
    page.get_by_label("Hasło").fill(PASSWORD)
    page.get_by_role("button", name="Zaloguj").click()
    expect(page).to_have_url(f"{live.url}/console/login/enrol")
    qr = page.locator("figure.qr svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 100
    page.screenshot(path=artifacts / "console-enrol.png", full_page=True)
    page.goto(f"{live.url}/console/audit")  # nothing else opens before enrolment
    expect(page).to_have_url(f"{live.url}/console/login")
    page.goto(f"{live.url}/console/login/enrol")
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    code = pyotp.TOTP(secret).at(clock.time())
    page.get_by_label("Kod, który teraz pokazuje aplikacja").fill(code)
    page.get_by_role("button", name="Włącz i przejdź dalej").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Logowanie dwuskładnikowe jest włączone")
    assert page.locator("ol.recovery-codes li").count() == 10
    page.get_by_role("link", name="Dalej").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("W jakim celu tu jesteś?")
    assert not [c for c in complaints if "Content Security Policy" in c], complaints
    assert outside == []
