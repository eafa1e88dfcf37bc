"""The HTML invoice and its PDF carry what art. 106e of the Polish VAT act asks of an
invoice, field by field, in Polish formats; a paid invoice says what was paid and that
nothing is due."""

from __future__ import annotations

import html
import io
import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from pypdf import PdfReader

from imbplus.billing import documents
from imbplus.billing.schemas import Buyer
from imbplus.clock import clock
from imbplus.privacy.catalog import Purpose
from imbplus.runtime import Runtime
from imbplus.seller import nip_label, nip_valid
from imbplus.settings import Settings
from imbplus.shop import billing_run, catalog
from tests.portal.test_pages import portal_login
from tests.support.factories import make_subscriber
from tests.support.shop import card, place_order, setup_shop

ORDERED_AT = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
SELLER = (
    ("seller's name", "IMB+ Telewizja sp. z o.o. (firma przykładowa)"),
    ("seller's street", "ul. Przykładowa 1"),
    ("seller's postal code and city", "00-001 Warszawa"),
    (
        "seller's NIP, marked as a demo value",
        "NIP: 123-456-32-18 (przykładowy – dane demonstracyjne)",
    ),
)
BUYER = (
    ("buyer's name", "Halina Kiepska"),
    ("buyer's street", "ul. Floriańska 15/3"),
    ("buyer's postal code and city", "31-019 Kraków"),
)
# an order on 30 November: a box (199,00 zł) and one day of Pakiet Sport Max (9999 / 30)
ORDER_INVOICE = (
    *SELLER,
    *BUYER,
    ("unique number", "Faktura VAT nr FV/2026/000001"),
    ("date of issue", "Data wystawienia: 30.11.2026"),
    ("date of sale", "Data sprzedaży: 30.11.2026"),
    ("due date", "Termin płatności: 14.12.2026"),
    ("line columns", "Lp. Nazwa towaru lub usługi Ilość J.m. Cena jedn. netto Wartość netto"),
    ("line columns", "Stawka VAT Kwota VAT Wartość brutto"),
    # position, name, quantity, unit, net unit price, net value, VAT rate, VAT, gross
    ("box line", "1 IMB+ Box HD S1 1 szt. 161,79 zł 161,79 zł 23% 37,21 zł 199,00 zł"),
    (
        "prorated package line",
        "2 Pakiet Sport Max – abonament 2026-11 (1/30 mies., 30.11–30.11.2026) "
        "1 usł. 2,71 zł 2,71 zł 23% 0,62 zł 3,33 zł",
    ),
    ("totals", "Razem 164,50 zł 37,83 zł 202,33 zł"),
    ("totals per VAT rate", "Podsumowanie według stawek VAT"),
    ("net, VAT and gross at 23%", "23% 164,50 zł 37,83 zł 202,33 zł"),
    ("amount paid", "Zapłacono: 202,33 zł (kartą, 30.11.2026)"),
    ("amount due", "Do zapłaty: 0,00 zł"),
    ("kept for tax law", "do 31.12.2031"),
)
MONTHLY_INVOICE = (
    *SELLER,
    *BUYER,
    ("unique number", "Faktura VAT nr FV/2026/000002"),
    ("date of issue", "Data wystawienia: 01.12.2026"),
    ("service period", "Okres świadczenia usługi: 01.12–31.12.2026"),
    (
        "whole month line",
        "1 Pakiet Sport Max – abonament 2026-12 (01.12–31.12.2026) "
        "1 usł. 81,29 zł 81,29 zł 23% 18,70 zł 99,99 zł",
    ),
    ("net, VAT and gross at 23%", "23% 81,29 zł 18,70 zł 99,99 zł"),
    ("nothing paid yet", "Zapłacono: 0,00 zł"),
    ("amount due", "Do zapłaty: 99,99 zł"),
)


def _squeeze(text: str) -> str:
    """Without whitespace: a PDF wraps cells anywhere, HTML puts cells in tags."""
    return re.sub(r"\s+", "", text)


def _html_text(page: str) -> str:
    body = page.split("<body", 1)[1]
    return _squeeze(html.unescape(re.sub(r"<[^>]+>", " ", body)))


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return _squeeze(" ".join(page.extract_text() for page in reader.pages))


def _check(fields: tuple[tuple[str, str], ...], text: str, what: str) -> None:
    missing = [f"{name}: {value}" for name, value in fields if _squeeze(value) not in text]
    assert missing == [], f"{what} lacks {missing}"


def _documents(client: TestClient, invoice_id: str) -> tuple[str, str, str]:
    page = client.get(f"/portal/invoices/{invoice_id}")
    pdf = client.get(f"/portal/invoices/{invoice_id}/pdf")
    assert page.status_code == 200 and pdf.status_code == 200
    return page.text, _html_text(page.text), _pdf_text(pdf.content)


@pytest.fixture
def ordered(client: TestClient, rt: Runtime) -> tuple[str, str, str]:
    """A subscriber who ordered a box and Pakiet Sport Max on 30 November without saving
    the card, and is logged in: (order invoice id, customer id, e-mail)."""
    clock.freeze(ORDERED_AT)
    setup_shop(rt)
    address = {"street": "ul. Floriańska 15/3", "postal_code": "31-019", "city": "Kraków"}
    me = make_subscriber(rt, name="Halina Kiepska", address=address)
    order = place_order(rt, me.id, ("stb-hd-s1", 1), ("pkg-sport", 1), card=card())
    assert order.invoice is not None
    portal_login(client, me.email)
    return order.invoice.id, me.id, me.email


def test_the_order_invoice_carries_every_field_in_html_and_pdf(
    client: TestClient, ordered: tuple[str, str, str]
) -> None:
    page, page_text, pdf_text = _documents(client, ordered[0])
    _check(ORDER_INVOICE, page_text, "the HTML invoice")
    _check(ORDER_INVOICE, pdf_text, "the PDF invoice")
    for text in (page_text, pdf_text):
        assert "Status:" not in text and _squeeze("Do zapłaty: 202,33") not in text
        assert text.count("NIP:") == 1  # the seller's: the buyer gave none
    assert 'href="/portal/orders#invoices"' in page  # back to the list of invoices
    english = client.get(f"/en/portal/invoices/{ordered[0]}").text
    assert 'href="/en/portal/orders#invoices"' in english


def test_a_monthly_invoice_names_its_period_and_what_is_due(
    client: TestClient, rt: Runtime, ordered: tuple[str, str, str]
) -> None:
    clock.freeze(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))
    assert billing_run.run_month(rt, "2026-12").no_card == 1  # the card was not saved
    portal_login(client, ordered[2])  # the session of 30 November has expired
    orders = client.get("/portal/orders").text
    monthly = re.search(r'href="/portal/invoices/([0-9a-f-]+)">FV/2026/000002', orders)
    assert monthly
    _, page_text, pdf_text = _documents(client, monthly.group(1))
    _check(MONTHLY_INVOICE, page_text, "the HTML invoice")
    _check(MONTHLY_INVOICE, pdf_text, "the PDF invoice")


def test_an_invoice_keeps_the_seller_it_was_issued_with(
    client: TestClient, rt: Runtime, ordered: tuple[str, str, str]
) -> None:
    rt.settings.seller_name = "Nowa Nazwa sp. z o.o."
    rt.settings.seller_nip = "7770000005"
    _, page_text, _ = _documents(client, ordered[0])
    _check(SELLER, page_text, "an invoice issued before the change")
    later = place_order(rt, ordered[1], ("stb-hd-s1", 1))
    assert later.invoice is not None
    _, later_text, later_pdf = _documents(client, later.invoice.id)
    for text in (later_text, later_pdf):
        assert _squeeze("Nowa Nazwa sp. z o.o.") in text
        assert _squeeze("NIP: 777-000-00-05") in text and "przykładowy" not in text


def test_the_buyer_nip_is_shown_where_given(client: TestClient, rt: Runtime) -> None:
    buyer = Buyer(name="Firma", street="ul. Długa 2", postal_code="00-950", city="Warszawa")
    assert documents.buyer_lines(buyer) == ("Firma", "ul. Długa 2", "00-950 Warszawa")
    with_nip = buyer.model_copy(update={"nip": "7770000005"})
    assert documents.buyer_lines(with_nip)[-1] == "NIP: 777-000-00-05"


def test_nip_checksum_and_the_seller_setting_refuses_a_wrong_one() -> None:
    assert nip_valid("1234563218") and nip_valid("PL 777-000-00-05")
    assert not nip_valid("1234563217") and not nip_valid("123456321") and not nip_valid("abc")
    assert nip_label("1234563218") == "123-456-32-18 (przykładowy – dane demonstracyjne)"
    with pytest.raises(ValidationError, match="seller_nip"):
        Settings(seller_nip="1234563217")


def test_values_in_the_pdf_lines_print_literally(
    client: TestClient, rt: Runtime, ordered: tuple[str, str, str]
) -> None:
    with rt.job("demo", Purpose.SECURITY) as ctx:
        catalog.upsert(
            ctx.session,
            product_id="stb-odd",
            kind="stb",
            name='Box <b>X</b> & <img src="/etc/passwd"/>',
            description="",
            price_gross=1000,
        )
    later = place_order(rt, ordered[1], ("stb-odd", 1))
    assert later.invoice is not None
    page, _, pdf_text = _documents(client, later.invoice.id)
    assert _squeeze('Box <b>X</b> & <img src="/etc/passwd"/>') in pdf_text
    assert "&lt;b&gt;X&lt;/b&gt;" in page and "<b>X</b>" not in page
