"""B01: the data-subject export holds orders, invoices, masked cards and shipments."""

from __future__ import annotations

from fastapi.testclient import TestClient

from imbplus.runtime import Runtime
from tests.support.factories import api_headers, make_customer, make_staff
from tests.support.shop import VISA, place_order, setup_shop


def test_b01_export_includes_the_shop_and_no_card_number(client: TestClient, rt: Runtime) -> None:
    setup_shop(rt)
    customer = make_customer(rt)
    order = place_order(rt, customer.id)
    _, dpo = make_staff(rt, "dpo")
    export = client.get(
        f"/api/v1/customers/{customer.id}/export", headers=api_headers(dpo, "data_subject_request")
    )
    assert export.status_code == 200, export.text
    shop = export.json()["shop"]
    assert [o["id"] for o in shop["orders"]] == [order.id]
    assert shop["invoices"][0]["buyer"]["name"] == customer.name
    assert shop["cards"][0]["masked"] == "424242******4242"
    assert shop["shipments"][0]["contact"]["email"] == customer.email
    assert VISA.replace(" ", "") not in export.text
