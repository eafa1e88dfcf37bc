"""The whole journey as a new user tries it, in Debian's Chromium: a subscriber orders a box
and a package in the portal and pays with a test card, receives the e-mail, the parcel moves
to delivered and is sealed (a direct SQL UPDATE then fails), and the monthly billing run
produces the next invoice."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from imbplus.clock import clock
from imbplus.notify import worker
from imbplus.notify.sandbox import SandboxSms
from imbplus.notify.senders import SmtpSender
from imbplus.runtime import Runtime
from imbplus.settings import Settings
from imbplus.shop import billing_run
from tests.support.factories import PASSWORD, api_headers, make_staff, make_subscriber
from tests.support.live import serve
from tests.support.shop import setup_shop
from tests.support.smtp import SmtpServer

pytestmark = pytest.mark.browser


def test_order_pay_ship_seal_and_bill_in_a_real_browser(
    settings: Settings, rt: Runtime, artifacts: Path, chromium: Any
) -> None:
    setup_shop(rt)
    me = make_subscriber(rt, name="Anna Testowa-Browser")
    _, shipping = make_staff(rt, "shipping")
    smtp = SmtpServer()
    settings.smtp_port = smtp.port
    with serve(settings, artifacts / "shop-server.log") as base:
        browser = chromium.new_context()
        page = browser.new_page()
        page.goto(f"{base}/portal/login")
        page.fill("input[name=email]", me.email)
        page.fill("input[name=password]", PASSWORD)
        page.click("form[action='/portal/login'] button[type=submit]")
        page.wait_for_url(f"{base}/portal")
        page.goto(f"{base}/portal/shop")
        page.check("input[name=stb][value=stb-4k-x2]")
        page.check("input[name=package][value=pkg-family]")
        page.fill("input[name=card_number]", "4242 4242 4242 4242")
        page.fill("input[name=exp_month]", "12")
        page.fill("input[name=exp_year]", "2030")
        page.fill("input[name=cvv]", "902")
        page.check("input[name=save_card]")
        page.screenshot(path=str(artifacts / "portal-shop.png"), full_page=True)
        page.click("form[action='/portal/shop'] button[type=submit]")
        page.wait_for_url("**/portal/orders?placed=1")
        assert "Zamówienie opłacone" in page.content()
        page.screenshot(path=str(artifacts / "portal-orders.png"), full_page=True)
        parcel = page.locator("text=/IMB[0-9]{10}/").first.inner_text().split()[1].rstrip(":")

        with smtp as server:
            box = server.mailbox
            sent = worker.run_once(
                Runtime(settings), worker.Senders(SmtpSender(settings), SandboxSms())
            )
        assert (sent.sent, sent.sandboxed) == (1, 1) and parcel in box.messages[0]["Subject"]
        assert box.messages[0]["To"] == me.email

        api = httpx.Client(base_url=base, headers=api_headers(shipping, "shipment_contact"))
        [shipment] = api.get("/api/v1/shipments").json()
        for status in ("handed_over", "in_transit", "delivered"):
            moved = api.post(f"/api/v1/shipments/{shipment['id']}/status", json={"status": status})
            assert moved.status_code == 200, moved.text
        assert moved.json()["sealed_at"] is not None
        with pytest.raises(DatabaseError), rt.engine.begin() as conn:
            conn.execute(
                text("UPDATE shipments SET status = 'lost' WHERE id = :id"), {"id": shipment["id"]}
            )

        clock.advance(timedelta(days=31).total_seconds())
        month = clock.now().strftime("%Y-%m")
        report = billing_run.run_month(Runtime(settings), month)
        assert (report.invoiced, report.paid) == (1, 1)
        clock.reset()

        page.goto(f"{base}/portal/orders")
        content = page.content()
        assert "doręczona" in content and content.count("FV/") >= 3  # order + monthly invoices
        page.screenshot(path=str(artifacts / "portal-orders-delivered.png"), full_page=True)
        browser.close()
