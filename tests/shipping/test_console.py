"""Console pages for shipping staff: list, record, status changes up to the seal, amendments,
the label; a purpose other than shipment_contact sees nothing."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from imbplus.runtime import Runtime
from tests.staff.test_console import choose, csrf_of, login
from tests.support.factories import make_customer, make_staff
from tests.support.shop import place_order, setup_shop


def test_shipping_staff_move_a_parcel_to_delivered_and_amend_it(
    client: TestClient, rt: Runtime
) -> None:
    setup_shop(rt)
    customer = make_customer(rt)
    parcel = place_order(rt, customer.id).shipments[0]
    staff, _ = make_staff(rt, "shipping")
    login(client, staff.username)
    choose(client, "shipment_contact")
    listing = client.get("/console/shipments")
    assert parcel.parcel_id in listing.text and customer.email not in listing.text
    url = f"/console/shipments/{parcel.id}"
    for status in ("handed_over", "in_transit", "delivered"):
        page = client.get(url)
        moved = client.post(
            f"{url}/status", data={"status": status, "csrf": csrf_of(page)}, follow_redirects=False
        )
        assert moved.status_code == 303
    page = client.get(url)
    assert "intact" in page.text and customer.phone in page.text
    assert "Change status" not in page.text  # sealed: no more status changes
    amended = client.post(
        f"{url}/amendments",
        data={
            "kind": "recipient_name_correction",
            "value": "Zofia Wiśniewska-Nowak",
            "reason": "name changed after marriage",
            "csrf": csrf_of(page),
        },
        follow_redirects=False,
    )
    assert amended.status_code == 303
    page = client.get(url)
    assert "Zofia Wiśniewska-Nowak" in page.text and customer.name in page.text
    bad = client.post(
        f"{url}/amendments",
        data={"kind": "status_rewrite", "value": "x", "reason": "y", "csrf": csrf_of(page)},
    )
    assert bad.status_code == 422 and "kind:" in bad.text
    label = client.get(f"{url}/label")
    assert label.headers["content-type"] == "application/pdf"
    assert re.search(rb"%PDF-1\.\d", label.content[:10])


def test_a_support_console_sees_no_shipments(client: TestClient, rt: Runtime) -> None:
    setup_shop(rt)
    customer = make_customer(rt)
    parcel = place_order(rt, customer.id).shipments[0]
    staff, _ = make_staff(rt, "support")
    login(client, staff.username)
    choose(client, "service_delivery")
    refused = client.get(f"/console/shipments/{parcel.id}")
    assert refused.status_code == 403 and customer.email not in refused.text
