"""P02 registry through the API: formats, gate, assignments, install address encrypted."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import text

from imbplus.runtime import Runtime
from tests.support.factories import api_headers, make_customer, make_staff

BOX = {
    "serial": "sgm2611000123",
    "mac": "00-1a-2b-3c-4d-5e",
    "model": "IMB-4K-100",
    "firmware": "4.2.3",
}


def test_p02_register_assign_read_and_history(client: TestClient, rt: Runtime) -> None:
    _, support = make_staff(rt, "support")
    customer = make_customer(rt)
    created = client.post("/api/v1/devices", json=BOX, headers=api_headers(support))
    assert created.status_code == 201, created.text
    device = created.json()
    assert device["serial"] == "SGM2611000123" and device["mac"] == "00:1A:2B:3C:4D:5E"
    assert device["status"] == "in_stock"
    address = {"street": "ul. Sadowa 12", "postal_code": "61-001", "city": "Poznań"}
    assigned = client.post(
        f"/api/v1/devices/{device['id']}/assign",
        json={"customer_id": customer.id, "install_address": address},
        headers=api_headers(support),
    )
    assert assigned.status_code == 200, assigned.text
    body = assigned.json()
    assert body["customer_id"] == customer.id and body["region"] == "Poznań"
    assert body["install_address"]["street"] == "ul. Sadowa 12" and body["status"] == "shipped"
    history = client.get(
        f"/api/v1/devices/{device['id']}/assignments", headers=api_headers(support)
    )
    assert [h["customer_id"] for h in history.json()] == [customer.id]
    found = client.post(
        "/api/v1/devices/lookup", json={"mac": "001A2B3C4D5E"}, headers=api_headers(support)
    )
    assert [d["id"] for d in found.json()] == [device["id"]]
    listed = client.get(f"/api/v1/devices?customer_id={customer.id}", headers=api_headers(support))
    assert [d["id"] for d in listed.json()["items"]] == [device["id"]]
    with rt.engine.connect() as conn:
        raw = conn.execute(text("SELECT install_address_ct FROM devices")).scalar_one()
    assert b"Sadowa" not in raw  # P05: encrypted under the customer's key


def test_p02_formats_duplicates_and_status_rules(client: TestClient, rt: Runtime) -> None:
    _, support = make_staff(rt, "support")
    h = api_headers(support)
    for bad in (
        {"serial": "12"},
        {"mac": "01:00:5E:00:00:01"},
        {"mac": "zz:zz"},
        {"firmware": "latest"},
        {"serial": "SGM2611000123<script>"},
    ):
        answer = client.post("/api/v1/devices", json={**BOX, **bad}, headers=h)
        assert answer.status_code == 422, (bad, answer.text)
    assert client.post("/api/v1/devices", json=BOX, headers=h).status_code == 201
    duplicate = client.post("/api/v1/devices", json={**BOX, "serial": "SGM2611000999"}, headers=h)
    assert duplicate.status_code == 409
    device_id = client.post(
        "/api/v1/devices/lookup", json={"serial": BOX["serial"]}, headers=h
    ).json()[0]["id"]
    assert (
        client.patch(
            f"/api/v1/devices/{device_id}", json={"status": "retired"}, headers=h
        ).status_code
        == 200
    )
    again = client.patch(f"/api/v1/devices/{device_id}", json={"status": "active"}, headers=h)
    assert again.status_code == 422 and "retired" in again.text
    assert client.get("/api/v1/devices/not-a-uuid", headers=h).status_code == 404


def test_p03_roles_and_purposes(client: TestClient, rt: Runtime) -> None:
    _, marketing = make_staff(rt, "marketing")
    _, support = make_staff(rt, "support")
    assert client.post("/api/v1/devices", json=BOX).status_code == 401
    assert (
        client.post(
            "/api/v1/devices", json=BOX, headers=api_headers(marketing, "marketing")
        ).status_code
        == 403
    )
    assert (
        client.get("/api/v1/devices", headers=api_headers(support, "marketing")).status_code == 403
    )
    assert client.get("/api/v1/devices", headers=api_headers(support, "sales")).status_code == 400


def test_p02_the_box_list_pages_by_cursor(client: TestClient, rt: Runtime) -> None:
    _, support = make_staff(rt, "support")
    h = api_headers(support)
    for n in range(3):
        box = {**BOX, "serial": f"sgm261100012{n}", "mac": f"00-1a-2b-3c-4d-6{n}"}
        assert client.post("/api/v1/devices", json=box, headers=h).status_code == 201
    first = client.get("/api/v1/devices?limit=2", headers=h).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = client.get(f"/api/v1/devices?limit=2&cursor={first['next_cursor']}", headers=h)
    rest = second.json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    seen = {i["id"] for i in first["items"]} | {i["id"] for i in rest["items"]}
    assert len(seen) == 3
    bad = client.get("/api/v1/devices?cursor=garbage", headers=h)
    assert bad.status_code == 422 and bad.json()["fields"][0]["field"] == "cursor"
