"""Values placed in a PDF print as written: a name holding `<`, `&`, `<b>` or an `<img>` tag
neither fails the document, nor cuts the text, nor embeds a file from the server."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from pypdf import PdfReader

from imbplus import pdf
from imbplus.runtime import Runtime
from tests.support.factories import api_headers, make_customer, make_staff
from tests.support.shop import place_order, setup_shop

STREET = "ul. <i>Długa & Krótka 5"


def _image(tmp_path: Path) -> Path:
    path = tmp_path / "local.png"
    Image.new("RGB", (4, 4), "red").save(path)
    return path


def _names(image: Path) -> list[str]:
    return [
        "Firma A<B",
        "Kowalski & Syn",
        f'Anna <img src="{image}" width="100" height="100"/>',
        'Jan <img src="x" onerror="alert(1)"/>',
        "<b>Ewa</b> Nowak",
    ]


def _squeeze(value: str) -> str:
    return "".join(value.split())


def _read(content: bytes) -> tuple[str, bool]:
    """The text of every page without whitespace (long values wrap anywhere) and whether any
    page holds an image."""
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)
    images = any(
        "/XObject" in page["/Resources"]
        and any(
            xobject.get_object()["/Subtype"] == "/Image"
            for xobject in page["/Resources"]["/XObject"].values()
        )
        for page in reader.pages
    )
    return _squeeze(text), images


def _person(name: str) -> dict[str, object]:
    return {
        "name": name,
        "address": {"street": STREET, "postal_code": "31-042", "city": "Kraków<"},
    }


@pytest.mark.parametrize("which", range(5))
def test_p20_invoice_pdf_prints_buyer_markup_literally(
    client: TestClient, rt: Runtime, tmp_path: Path, which: int
) -> None:
    setup_shop(rt)
    name = _names(_image(tmp_path))[which]
    customer = make_customer(rt, **_person(name))
    order = place_order(rt, customer.id)
    assert order.invoice is not None
    billing = make_staff(rt, "billing")[1]
    response = client.get(
        f"/api/v1/invoices/{order.invoice.id}/pdf", headers=api_headers(billing, "billing")
    )
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text, images = _read(response.content)
    for expected in (name, STREET, "31-042 Kraków<"):
        assert _squeeze(expected) in text, expected
    assert not images


@pytest.mark.parametrize("which", range(5))
def test_p10_label_pdf_prints_recipient_markup_literally(
    client: TestClient, rt: Runtime, tmp_path: Path, which: int
) -> None:
    setup_shop(rt)
    name = _names(_image(tmp_path))[which]
    customer = make_customer(rt, **_person(name))
    sid = place_order(rt, customer.id).shipments[0].id
    shipping = make_staff(rt, "shipping")[1]
    response = client.get(
        f"/api/v1/shipments/{sid}/label", headers=api_headers(shipping, "shipment_contact")
    )
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text, images = _read(response.content)
    for expected in (name, STREET, "31-042 Kraków<"):
        assert _squeeze(expected) in text, expected
    assert not images


def test_markup_escapes_after_folding_to_the_fallback_font(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert pdf.markup('A<B & "C" <img src="/x"/>') == 'A&lt;B &amp; "C" &lt;img src="/x"/&gt;'
    monkeypatch.setattr(pdf, "fonts", lambda: False)
    # Without the Polish font, folding turns the full-width signs into `<` and `>`.
    assert pdf.markup("Łódź\uff1cb\uff1e") == "Lodz&lt;b&gt;"
