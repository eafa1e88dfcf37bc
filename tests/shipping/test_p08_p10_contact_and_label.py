"""P08: shipment contact data serves shipment contact only; the carrier gets what delivery
needs, recorded. P10: the label carries name, address, parcel id and barcode only."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import select

from imbplus.clock import clock
from imbplus.privacy.catalog import Purpose
from imbplus.privacy.disclosure import Disclosure
from imbplus.processors import service as processors
from imbplus.runtime import Runtime
from tests.support.factories import api_headers, make_customer, make_staff
from tests.support.shop import place_order, setup_shop

SHIP = "shipment_contact"
PERSON = {
    "name": "Grzegorz Brzęczyszczykiewicz",
    "email": "g.brzeczyszczykiewicz@poczta-testowa.pl",
    "phone": "+48 605 111 222",
    "address": {
        "street": "ul. Chrząszczyżewoszyce 12/4",
        "postal_code": "84-100",
        "city": "Łękołody",
    },
}


@pytest.fixture
def shipping(rt: Runtime) -> str:
    setup_shop(rt)
    return make_staff(rt, "shipping")[1]


def test_p08_a_marketing_read_of_shipment_contact_is_refused(
    client: TestClient, rt: Runtime, shipping: str
) -> None:
    customer = make_customer(rt)
    sid = place_order(rt, customer.id).shipments[0].id
    _, marketing = make_staff(rt, "marketing")
    for token, purpose in ((marketing, "marketing"), (shipping, "marketing"), (marketing, SHIP)):
        refused = client.get(f"/api/v1/shipments/{sid}", headers=api_headers(token, purpose))
        assert refused.status_code == 403
        assert customer.email not in refused.text and customer.phone not in refused.text
    allowed = client.get(f"/api/v1/shipments/{sid}", headers=api_headers(shipping, SHIP))
    assert allowed.json()["contact"] == {"phone": customer.phone, "email": customer.email}


def test_p04_p08_the_carrier_receives_name_address_and_parcel_id_recorded(
    client: TestClient, rt: Runtime, shipping: str
) -> None:
    customer = make_customer(rt)
    shipment = place_order(rt, customer.id).shipments[0]
    sid = shipment.id
    client.post(
        f"/api/v1/shipments/{sid}/status",
        json={"status": "handed_over"},
        headers=api_headers(shipping, SHIP),
    )
    with rt.sessions() as s:
        row = s.execute(
            select(Disclosure).where(Disclosure.recipient_id == "sandbox-carrier")
        ).scalar_one()
    assert row.fields == "name,street,postal_code,city,parcel_id"
    assert row.categories == "shipment_record" and row.purpose == SHIP
    assert row.subject_id == customer.id and row.reference == f"shipment:{sid}"
    assert row.contract_ref == "SANDBOX-SANDBOX-CARRIER"
    # the sandbox carrier took it: recorded as such, with its tracking reference
    assert (row.sandbox, row.processor_ref) == (True, f"SBX-{shipment.parcel_id}")
    dpo = make_staff(rt, "dpo")[1]
    listed = client.get(
        "/api/v1/disclosures",
        params={"subject_id": customer.id},
        headers=api_headers(dpo, "security"),
    )
    carrier = [d for d in listed.json() if d["recipient_id"] == "sandbox-carrier"]
    assert [(d["sandbox"], d["processor_ref"]) for d in carrier] == [(True, row.processor_ref)]


def test_p04_no_hand_over_to_a_carrier_whose_contract_ended(
    client: TestClient, rt: Runtime, shipping: str
) -> None:
    customer = make_customer(rt)
    sid = place_order(rt, customer.id).shipments[0].id
    with rt.job("tests", Purpose.SECURITY) as ctx:
        processors.register_sandbox(ctx, days=1)
    clock.advance(timedelta(days=2).total_seconds())
    refused = client.post(
        f"/api/v1/shipments/{sid}/status",
        json={"status": "handed_over"},
        headers=api_headers(shipping, SHIP),
    )
    assert refused.status_code == 403
    assert refused.json()["contract"] == "not valid on this date"
    assert refused.json()["processor"] == "sandbox-carrier"
    with rt.sessions() as s:
        assert (
            s.execute(
                select(Disclosure).where(Disclosure.recipient_id == "sandbox-carrier")
            ).first()
            is None
        )
    with rt.job("tests", Purpose.SECURITY) as ctx:
        processors.register_sandbox(ctx)
    renewed = client.post(
        f"/api/v1/shipments/{sid}/status",
        json={"status": "handed_over"},
        headers=api_headers(shipping, SHIP),
    )
    assert renewed.status_code == 200


def _label_text(client: TestClient, token: str, sid: str) -> str:
    response = client.get(f"/api/v1/shipments/{sid}/label", headers=api_headers(token, SHIP))
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_p10_label_has_name_address_parcel_id_and_nothing_else(
    client: TestClient, rt: Runtime, shipping: str
) -> None:
    customer = make_customer(rt, **PERSON)
    order = place_order(rt, customer.id)
    shipment = order.shipments[0]
    text = _label_text(client, shipping, shipment.id)
    for expected in (
        PERSON["name"],
        "ul. Chrząszczyżewoszyce 12/4",
        "84-100 Łękołody",
        shipment.parcel_id,
    ):
        assert expected in text, expected
    forbidden = [
        "605",
        "111 222",
        "poczta-testowa",
        "brzeczyszczykiewicz@",
        customer.id,
        order.id,
        "IMB+ Box",
        "Pakiet",
        "stb-4k",
        "pkg-",
        "424242",
        "FV/",
    ]
    for value in forbidden:
        assert value not in text, value


def test_p10_label_follows_an_address_correction(
    client: TestClient, rt: Runtime, shipping: str
) -> None:
    customer = make_customer(rt)
    sid = place_order(rt, customer.id).shipments[0].id
    client.post(
        f"/api/v1/shipments/{sid}/amendments",
        json={
            "kind": "address_correction",
            "reason": "customer moved before dispatch",
            "address": {"street": "ul. Nowa 3", "postal_code": "30-001", "city": "Kraków"},
        },
        headers=api_headers(shipping, SHIP),
    )
    text = _label_text(client, shipping, sid)
    assert "ul. Nowa 3" in text and customer.address.street not in text
