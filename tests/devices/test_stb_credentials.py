"""P14: the customer sets the STB password and parental PIN; only argon2id hashes are kept,
never returned or logged; the box gets what it needs to check them locally."""

from __future__ import annotations

import logging
import re

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import text

from imbplus.auth import sessions
from imbplus.runtime import Runtime
from tests.support.factories import make_device, make_subscriber

PIN = "4862"
PASSWORD = "Zielona-herbata-2026"


def portal_login(client: TestClient, rt: Runtime, customer_id: str) -> str:
    """A customer portal session, as after a login."""
    with rt.unit_of_work() as s:
        new = sessions.start(s, rt.settings, "customer", customer_id, mfa_pending=False)
        csrf = new.row.csrf_token
    client.cookies.set(sessions.CUSTOMER_COOKIE, new.token)
    return csrf


def test_p14_portal_nudges_then_sets_pin_and_password(
    client: TestClient, rt: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    customer = make_subscriber(rt)
    device, box_token = make_device(rt, customer.id)
    gone = client.get("/portal/stb", follow_redirects=False)  # not logged in
    assert gone.status_code == 303 and gone.headers["location"] == "/portal/login"
    csrf = portal_login(client, rt, customer.id)
    home = client.get("/portal")
    assert "nie ma PIN-u rodzicielskiego" in home.text and "/portal/stb" in home.text
    page = client.get("/portal/stb")
    assert page.status_code == 200 and 'id="nudge"' in page.text and device.serial in page.text
    assert client.get("/en/portal/stb").text.count("not protected") == 1
    weak = client.post("/portal/stb", data={"csrf": csrf, "pin": "1111"})
    assert (
        weak.status_code == 422
        and "PIN rodzicielski: PIN jest zbyt łatwy do odgadnięcia" in weak.text
    )
    forged = client.post("/portal/stb", data={"csrf": "forged-csrf-token-xx", "pin": PIN})
    assert forged.status_code == 403
    saved = client.post("/portal/stb", data={"csrf": csrf, "pin": PIN, "password": PASSWORD})
    assert saved.status_code == 200 and 'id="nudge"' not in saved.text
    assert "nie ma PIN-u rodzicielskiego" not in client.get("/portal").text
    # the box fetches the hashes over its own authenticated channel and checks locally
    provisioned = client.get(
        "/api/v1/devices/me/provisioning", headers={"Authorization": f"Bearer {box_token}"}
    ).json()
    assert provisioned["hash_algorithm"] == "argon2id"
    assert provisioned["pin_hash"].startswith("$argon2id$")
    assert PasswordHasher().verify(provisioned["pin_hash"], PIN)
    assert PasswordHasher().verify(provisioned["password_hash"], PASSWORD)
    assert client.get("/api/v1/devices/me/provisioning").status_code == 401
    # the portal API: status only, never a hash; writes need the CSRF header
    status = client.get("/api/v1/portal/stb-credentials").json()
    assert status["pin_set"] and status["password_set"] and "hash" not in str(status)
    assert client.put("/api/v1/portal/stb-credentials", json={"pin": "2580"}).status_code == 403
    changed = client.put(
        "/api/v1/portal/stb-credentials", json={"pin": "2580"}, headers={"X-CSRF-Token": csrf}
    )
    assert changed.status_code == 200, changed.text
    with rt.engine.connect() as conn:
        stored = conn.execute(text("SELECT pin_hash, password_hash FROM stb_credentials")).one()
    assert all(h.startswith("$argon2id$") for h in stored)
    everything = caplog.text + repr(stored)
    for secret in (PIN, "2580", PASSWORD):
        assert not re.search(rf"\b{secret}\b", everything)


def test_p14_a_customer_cannot_touch_another_customers_boxes(
    client: TestClient, rt: Runtime
) -> None:
    mine, other = make_subscriber(rt), make_subscriber(rt)
    make_device(rt, other.id)
    portal_login(client, rt, mine.id)
    page = client.get("/portal/stb")
    assert page.status_code == 200 and "TST" not in page.text  # only own boxes listed
