"""Logging staff in to the console, second factor included (P12).

Staff made by `factories.make_staff` have a second factor; the code is computed from the
account's secret and the project's clock, as the member's phone would show it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from fastapi.testclient import TestClient
from httpx import Response

from imbplus.clock import clock
from imbplus.runtime import Runtime
from imbplus.staff import mfa
from imbplus.staff.models import Staff
from tests.support.factories import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Page

STEP_S = 30  # the TOTP time step


def csrf_of(page: Response) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, "form without a CSRF token"
    return found.group(1)


def login_code(rt: Runtime, username: str) -> str:
    """A code the server accepts now. A code works once: when this step's code was used
    already (a second login in the same 30 seconds), the next step's code is used, which
    the server accepts as clock drift; after that the clock moves on to the next step."""
    with rt.sessions() as s:
        staff = s.query(Staff).filter_by(username=username).one()
        step = int(clock.time() // STEP_S)
        last = staff.totp_last_step or 0
        if last >= step + 1:
            clock.advance(STEP_S * (last - step))
            return login_code(rt, username)
        if last >= step:
            clock.advance(STEP_S)  # the next step's code, now the current one
        return mfa.current_code(rt, s, staff)


def login(client: TestClient, username: str, password: str = PASSWORD) -> Response:
    """Password, then the code when the password was right; the last answer."""
    form = client.get("/console/login")
    response = client.post(
        "/console/login",
        data={"username": username, "password": password, "csrf": csrf_of(form)},
        follow_redirects=False,
    )
    if response.headers.get("location") != "/console/login/totp":
        return response
    rt: Runtime = client.app.state.runtime  # type: ignore[attr-defined]
    step = client.get("/console/login/totp")
    return client.post(
        "/console/login/totp",
        data={"code": login_code(rt, username), "csrf": csrf_of(step)},
        follow_redirects=False,
    )


def choose(client: TestClient, purpose: str) -> Response:
    home = client.get("/console")
    return client.post(
        "/console/purpose", data={"purpose": purpose, "csrf": csrf_of(home)}, follow_redirects=False
    )


def browser_login(page: Page, base_url: str, rt: Runtime, username: str, lang: str = "") -> None:
    """The same in a real browser against a real server (which shares the test's clock);
    `lang` is the language prefix ("" Polish, "/en" English)."""
    page.goto(f"{base_url}{lang}/console/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{base_url}{lang}/console/login/totp")
    page.fill("input[name=code]", login_code(rt, username))
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{base_url}{lang}/console")
