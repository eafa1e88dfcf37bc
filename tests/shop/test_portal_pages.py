"""The subscriber orders in the portal (Polish default, English), sees orders, invoices,
saved cards and the postpaid decision; a declined card leaves nothing but the evidence."""

from __future__ import annotations

import io
import re

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import func, select

from imbplus.privacy.disclosure import Disclosure
from imbplus.runtime import Runtime
from imbplus.shop.models import Order
from tests.portal.test_pages import portal_login
from tests.staff.test_console import csrf_of
from tests.support.factories import make_subscriber
from tests.support.shop import setup_shop


def _form(page: str) -> dict[str, str]:
    key = re.search(r'name="key" value="([^"]+)"', page)
    assert key
    return {"csrf": csrf_of_text(page), "key": key.group(1)}


def csrf_of_text(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found
    return found.group(1)


def _order(client: TestClient, prefix: str = "", **fields: str) -> object:
    page = client.get(f"{prefix}/portal/shop")
    assert page.status_code == 200
    data = {
        **_form(page.text),
        "stb": "stb-4k-x2",
        "package": "pkg-family",
        "card_number": "4242 4242 4242 4242",
        "exp_month": "12",
        "exp_year": "2030",
        "cvv": "902",
        "save_card": "true",
        **fields,
    }
    return client.post(f"{prefix}/portal/shop", data=data, follow_redirects=False)


def _orders(rt: Runtime) -> int:
    with rt.sessions() as s:
        return int(s.execute(select(func.count()).select_from(Order)).scalar_one())


def test_a_subscriber_orders_a_box_and_a_package_and_sees_the_invoice(
    client: TestClient, rt: Runtime
) -> None:
    setup_shop(rt)
    me = make_subscriber(rt, name="Halina Kiepska")
    portal_login(client, me.email)
    placed = _order(client)
    assert placed.status_code == 303, placed.text  # type: ignore[attr-defined]
    orders = client.get(placed.headers["location"])  # type: ignore[attr-defined]
    assert "Zamówienie opłacone" in orders.text and "424242******4242" in orders.text
    assert "IMB+ Box 4K X2" in orders.text and "przygotowana" in orders.text
    assert "Najwyżej jedna nieudana płatność" in orders.text  # the credit reasons
    invoice_link = re.search(r'href="(/portal/invoices/[0-9a-f-]+)"', orders.text)
    assert invoice_link
    invoice = client.get(invoice_link.group(1))
    assert "Halina Kiepska" in invoice.text and "Faktura VAT nr FV/" in invoice.text
    pdf = client.get(invoice_link.group(1) + "/pdf")
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Halina Kiepska" in text and "429,33" in text
    assert "4242 4242" not in orders.text and "902" not in re.sub(r"[0-9a-f-]{36}", "", orders.text)


def test_a_declined_card_in_the_portal_shows_the_reason_and_orders_nothing(
    client: TestClient, rt: Runtime
) -> None:
    setup_shop(rt)
    me = make_subscriber(rt)
    portal_login(client, me.email, prefix="/en")
    declined = _order(client, "/en", card_number="4000 0000 0000 9995")
    assert declined.status_code == 402  # type: ignore[attr-defined]
    assert "The card was declined. Nothing was ordered" in declined.text  # type: ignore[attr-defined]
    assert _orders(rt) == 0
    with rt.sessions() as s:  # the hand-over to the provider is on record all the same
        assert s.execute(select(func.count()).select_from(Disclosure)).scalar_one() == 1
    expired = _order(client, "/en", exp_year="2020")
    assert expired.status_code == 422  # type: ignore[attr-defined]
    # the field by its label and the rule in the page's language, never the path in the code
    assert "Card expiry year: The card has expired." in expired.text  # type: ignore[attr-defined]
    assert "card.exp_year" not in expired.text  # type: ignore[attr-defined]
    nothing = _order(client, "/en", stb="", package="")
    assert nothing.status_code == 422 and "Choose a box" in nothing.text  # type: ignore[attr-defined]
    assert _orders(rt) == 0


def test_the_same_form_sent_twice_orders_once(client: TestClient, rt: Runtime) -> None:
    setup_shop(rt)
    me = make_subscriber(rt)
    portal_login(client, me.email)
    page = client.get("/portal/shop")
    data = {
        **_form(page.text),
        "stb": "stb-hd-s1",
        "card_number": "4242424242424242",
        "exp_month": "1",
        "exp_year": "2031",
        "cvv": "123",
    }
    first = client.post("/portal/shop", data=data, follow_redirects=False)
    second = client.post("/portal/shop", data=data, follow_redirects=False)
    assert first.status_code == second.status_code == 303
    assert _orders(rt) == 1


def test_a_saved_card_can_be_removed(client: TestClient, rt: Runtime) -> None:
    setup_shop(rt)
    me = make_subscriber(rt)
    portal_login(client, me.email)
    _order(client)
    page = client.get("/portal/orders")
    action = re.search(r'action="(/portal/cards/[0-9a-f-]+/remove)"', page.text)
    assert action
    removed = client.post(action.group(1), data={"csrf": csrf_of(page)}, follow_redirects=False)
    assert removed.status_code == 303
    assert "424242******4242" not in client.get("/portal/shop").text
