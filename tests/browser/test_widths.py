"""Every public, portal and console page fits a phone (390 px) and a desktop (1280 px) in both
languages without scrolling sideways; a wide table scrolls inside its own box. Screenshots
of each page at each width are saved in tests/artifacts/widths/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import Live
from tests.browser.test_portal_browser import console_login, portal_login
from tests.support.factories import make_device, make_staff, make_subscriber

pytestmark = pytest.mark.browser

WIDTHS = (390, 1280)
PUBLIC = (
    "/",
    "/offer",
    "/offer/pkg-sport/channels",
    "/privacy",
    "/cookies",
    "/contact",
    "/feedback",
)
PORTAL = ("/portal", "/portal/access-log", "/portal/account", "/portal/stb", "/portal/orders")
CONSOLE = ("/console", "/console/customers", "/console/devices", "/console/account")


def _overflow(page: Page) -> int:
    """How many pixels the page is wider than the window (0: it fits)."""
    return int(
        page.evaluate(
            "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
            " - window.innerWidth"
        )
    )


def _visit(page: Page, url: str, shot: Path) -> int:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=shot, full_page=True)
    return _overflow(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_fits_the_window(
    browser: Browser, live: Live, artifacts: Path, width: int
) -> None:
    folder = artifacts / "widths"
    folder.mkdir(exist_ok=True)
    me = make_subscriber(live.rt, name="Bożydar Szerokości")
    make_device(live.rt, me.id)
    make_staff(live.rt, "support", username=f"support{width}")
    too_wide: list[str] = []
    context = browser.new_context(locale="pl-PL", viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        for lang in ("", "/en"):
            for path in PUBLIC:
                name = f"{width}{lang.replace('/', '-')}{path.replace('/', '-') or '-home'}.png"
                if (over := _visit(page, f"{live.url}{lang}{path}", folder / name)) > 0:
                    too_wide.append(f"{lang}{path}: {over} px")
        portal_login(page, live, me.email)
        for lang in ("", "/en"):
            for path in PORTAL:
                name = f"{width}{lang.replace('/', '-')}{path.replace('/', '-')}.png"
                if (over := _visit(page, f"{live.url}{lang}{path}", folder / name)) > 0:
                    too_wide.append(f"{lang}{path}: {over} px")
        console = context.new_page()
        console_login(console, live, f"support{width}", "service_delivery")
        for path in CONSOLE:
            name = f"{width}{path.replace('/', '-')}.png"
            if (over := _visit(console, f"{live.url}{path}", folder / name)) > 0:
                too_wide.append(f"{path}: {over} px")
    finally:
        context.close()
    assert too_wide == [], f"wider than {width} px: {too_wide}"
