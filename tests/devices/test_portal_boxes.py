"""P14: the portal lists the boxes a customer holds, a delivered parcel's box included, and
says after saving a PIN what happens to it with a box and without one."""

from __future__ import annotations

from fastapi.testclient import TestClient

from imbplus.runtime import Runtime
from tests.portal.test_pages import portal_login
from tests.support.console import csrf_of
from tests.support.factories import api_headers, make_staff, make_subscriber
from tests.support.shop import place_order, setup_shop

PIN = "4826"


def _boxes(page: str) -> str:
    return page.split("Twoje dekodery")[1]


def _deliver(client: TestClient, rt: Runtime, shipment_id: str, *steps: str) -> None:
    _, token = make_staff(rt, "shipping")
    for status in steps:
        moved = client.post(
            f"/api/v1/shipments/{shipment_id}/status",
            json={"status": status},
            headers=api_headers(token, "shipment_contact"),
        )
        assert moved.status_code == 200, moved.text


def test_p14_a_customer_without_a_box_is_told_what_to_do_and_the_truth_after_saving(
    client: TestClient, rt: Runtime
) -> None:
    me = make_subscriber(rt)
    portal_login(client, me.email)
    page = client.get("/portal/stb")
    empty = _boxes(page.text)
    assert "Nie masz jeszcze dekodera" in empty and 'href="/portal/shop"' in empty
    saved = client.post("/portal/stb", data={"csrf": csrf_of(page), "pin": PIN})
    assert saved.status_code == 200
    assert "Dekoder pobierze zmiany" not in saved.text
    assert "Nie masz jeszcze dekodera: ustawienia trafią do niego" in saved.text


def test_p14_a_delivered_box_is_listed_as_the_customer_s(client: TestClient, rt: Runtime) -> None:
    setup_shop(rt)
    me = make_subscriber(rt)
    order = place_order(rt, me.id, ("stb-4k-x2", 1), ("pkg-start", 1))
    parcel = order.shipments[0]
    portal_login(client, me.email)
    on_its_way = _boxes(client.get("/portal/stb").text)
    assert "IMB+ Box 4K X2" in on_its_way and "przygotowana" in on_its_way
    _deliver(client, rt, parcel.id, "handed_over", "in_transit", "delivered")
    page = client.get("/portal/stb")
    listed = _boxes(page.text)
    assert "IMB+ Box 4K X2" in listed and "doręczona" in listed and parcel.parcel_id in listed
    saved = client.post("/portal/stb", data={"csrf": csrf_of(page), "pin": PIN})
    assert "Dekoder pobierze zmiany przy najbliższym połączeniu" in saved.text
    english = _boxes_en(client.get("/en/portal/stb").text)
    assert "IMB+ Box 4K X2" in english and "delivered" in english


def _boxes_en(page: str) -> str:
    return page.split("Your boxes")[1]
