"""P09: a completed shipment is sealed; the database refuses changes; amendments only."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from imbplus.clock import clock
from imbplus.compliance import retention
from imbplus.privacy.rotation import rotate
from imbplus.runtime import Runtime
from imbplus.shipping.models import Shipment, ShipmentEvent, ShipmentRelease
from imbplus.shipping.purge import RULE
from tests.support.factories import api_headers, make_customer, make_staff
from tests.support.shop import place_order, setup_shop

SHIP = "shipment_contact"


@pytest.fixture
def shipping(rt: Runtime) -> str:
    setup_shop(rt)
    return make_staff(rt, "shipping")[1]


def new_shipment(rt: Runtime) -> str:
    customer = make_customer(rt)
    return place_order(rt, customer.id).shipments[0].id


def move(client: TestClient, token: str, sid: str, *statuses: str) -> dict[str, object]:
    body: dict[str, object] = {}
    for status in statuses:
        response = client.post(
            f"/api/v1/shipments/{sid}/status",
            json={"status": status},
            headers=api_headers(token, SHIP),
        )
        assert response.status_code == 200, response.text
        body = response.json()
    return body


def test_p09_delivery_seals_the_record_with_a_hash(
    client: TestClient, rt: Runtime, shipping: str
) -> None:
    sid = new_shipment(rt)
    body = move(client, shipping, sid, "handed_over", "in_transit", "delivered")
    assert body["status"] == "delivered" and body["sealed_at"] is not None
    assert len(str(body["content_hash"])) == 64
    assert [e["status"] for e in body["events"]] == [  # type: ignore[union-attr]
        "created",
        "handed_over",
        "in_transit",
        "delivered",
    ]
    check = client.get(f"/api/v1/shipments/{sid}/seal", headers=api_headers(shipping, SHIP))
    assert check.json() == {
        "shipment_id": sid,
        "sealed": True,
        "hash_ok": True,
        "fields": dict.fromkeys(
            ("recipient_name", "street", "postal_code", "city", "phone", "email"), "ok"
        ),
    }


@pytest.mark.parametrize("final", ["delivered", "returned", "lost"])
def test_p09_status_change_on_a_sealed_shipment_is_refused(
    client: TestClient, rt: Runtime, shipping: str, final: str
) -> None:
    sid = new_shipment(rt)
    move(client, shipping, sid, "handed_over", final)
    again = client.post(
        f"/api/v1/shipments/{sid}/status",
        json={"status": "in_transit"},
        headers=api_headers(shipping, SHIP),
    )
    assert again.status_code == 409
    assert again.json()["error"] == "shipment_sealed" and again.json()["field"] == "status"


def test_a_status_out_of_order_is_refused_with_the_allowed_ones(
    client: TestClient, rt: Runtime, shipping: str
) -> None:
    sid = new_shipment(rt)
    response = client.post(
        f"/api/v1/shipments/{sid}/status",
        json={"status": "delivered"},
        headers=api_headers(shipping, SHIP),
    )
    assert response.status_code == 409
    assert response.json()["allowed"] == ["handed_over", "lost"]
    unknown = client.post(
        f"/api/v1/shipments/{sid}/status",
        json={"status": "teleported"},
        headers=api_headers(shipping, SHIP),
    )
    assert unknown.status_code == 422 and unknown.json()["fields"][0]["field"] == "status"


def test_p09_sealed_row_refuses_update_and_delete_in_the_database(
    client: TestClient, rt: Runtime, shipping: str
) -> None:
    sid = new_shipment(rt)
    move(client, shipping, sid, "handed_over", "delivered")
    statements = [
        "UPDATE shipments SET status = 'in_transit' WHERE id = :id",
        "UPDATE shipments SET street_ct = recipient_name_ct WHERE id = :id",
        "UPDATE shipments SET content_hash = 'x' WHERE id = :id",
        "DELETE FROM shipments WHERE id = :id",
        "UPDATE shipment_events SET status = 'lost' WHERE shipment_id = :id",
        "DELETE FROM shipment_events WHERE shipment_id = :id",
    ]
    for sql in statements:
        with pytest.raises(DatabaseError, match="sealed shipment record"), rt.engine.begin() as c:
            c.execute(text(sql), {"id": sid})
    with rt.sessions() as s:
        row = s.get(Shipment, sid)
        assert row is not None and row.status == "delivered"
        assert s.execute(select(func.count()).where(ShipmentEvent.shipment_id == sid)).scalar() == 3


def test_unsealed_rows_are_ordinary_but_events_are_append_only(
    client: TestClient, rt: Runtime, shipping: str
) -> None:
    sid = new_shipment(rt)
    with rt.engine.begin() as conn:  # a shipment still open may be corrected in place
        conn.execute(text("UPDATE shipments SET item = 'stb-hd-s1' WHERE id = :id"), {"id": sid})
    with pytest.raises(DatabaseError), rt.engine.begin() as conn:
        conn.execute(text("DELETE FROM shipment_events WHERE shipment_id = :id"), {"id": sid})


def test_p09_amendments_of_allowed_kinds_keep_the_original_readable(
    client: TestClient, rt: Runtime, shipping: str
) -> None:
    sid = new_shipment(rt)
    before = move(client, shipping, sid, "handed_over", "delivered")
    amend = client.post(
        f"/api/v1/shipments/{sid}/amendments",
        json={
            "kind": "address_correction",
            "reason": "Typo in the flat number reported by the carrier",
            "address": {"street": "ul. Polna 7/12", "postal_code": "00-950", "city": "Warszawa"},
        },
        headers=api_headers(shipping, SHIP),
    )
    assert amend.status_code == 201, amend.text
    assert amend.json()["author"].startswith("staff:")
    after = client.get(f"/api/v1/shipments/{sid}", headers=api_headers(shipping, SHIP)).json()
    assert after["recipient"] == before["recipient"]  # the sealed original, unchanged
    assert after["effective_recipient"]["address"]["street"] == "ul. Polna 7/12"
    assert after["amendments"][0]["reason"].startswith("Typo")
    assert after["content_hash"] == before["content_hash"]
    check = client.get(f"/api/v1/shipments/{sid}/seal", headers=api_headers(shipping, SHIP))
    assert check.json()["hash_ok"] is True
    with pytest.raises(DatabaseError), rt.engine.begin() as conn:
        conn.execute(text("DELETE FROM shipment_amendments WHERE shipment_id = :id"), {"id": sid})


def test_p09_an_amendment_of_a_kind_the_agreement_does_not_allow_is_refused(
    client: TestClient, rt: Runtime, shipping: str
) -> None:
    sid = new_shipment(rt)
    move(client, shipping, sid, "handed_over", "delivered")
    refused = client.post(
        f"/api/v1/shipments/{sid}/amendments",
        json={"kind": "status_rewrite", "reason": "make it look delivered", "note": "x"},
        headers=api_headers(shipping, SHIP),
    )
    assert refused.status_code == 422
    problem = refused.json()["fields"][0]
    assert problem["field"] == "kind" and "address_correction" in problem["problem"]
    wrong_shape = client.post(
        f"/api/v1/shipments/{sid}/amendments",
        json={"kind": "address_correction", "reason": "moved", "note": "new flat"},
        headers=api_headers(shipping, SHIP),
    )
    assert wrong_shape.status_code == 422 and wrong_shape.json()["fields"][0]["field"] == "address"
    got = client.get(f"/api/v1/shipments/{sid}", headers=api_headers(shipping, SHIP)).json()
    assert got["amendments"] == []


def test_p12_key_rotation_re_encrypts_sealed_records_and_keeps_the_seal(
    client: TestClient, rt: Runtime, shipping: str
) -> None:
    sid = new_shipment(rt)
    sealed = move(client, shipping, sid, "handed_over", "delivered")
    client.post(
        f"/api/v1/shipments/{sid}/amendments",
        json={"kind": "delivery_note", "reason": "left with a neighbour", "note": "flat 3"},
        headers=api_headers(shipping, SHIP),
    )
    with rt.sessions() as s:
        old = s.execute(text("SELECT street_ct FROM shipments WHERE id = :id"), {"id": sid})
        old_blob = old.scalar_one()
    report = rotate(rt)
    assert report.values_reencrypted > 0
    with rt.sessions() as s:
        new_blob = s.execute(
            text("SELECT street_ct FROM shipments WHERE id = :id"), {"id": sid}
        ).scalar_one()
    assert bytes(new_blob) != bytes(old_blob)
    after = client.get(f"/api/v1/shipments/{sid}", headers=api_headers(shipping, SHIP)).json()
    assert after["recipient"] == sealed["recipient"] and after["amendments"][0]["note"] == "flat 3"
    check = client.get(f"/api/v1/shipments/{sid}/seal", headers=api_headers(shipping, SHIP))
    assert check.json()["hash_ok"] is True and set(check.json()["fields"].values()) == {"ok"}
    # outside a rotation run, the ciphertext columns are sealed too
    with pytest.raises(DatabaseError), rt.engine.begin() as conn:
        conn.execute(text("UPDATE shipments SET street_ct = city_ct WHERE id = :id"), {"id": sid})


def test_p13_sealed_records_are_purged_only_after_their_retention(
    client: TestClient, rt: Runtime, shipping: str
) -> None:
    # a short retention, so that the purge is not dated ahead of the database's own clock
    # (the database refuses such a release: it would unlock a record before its time)
    rt.settings.shipment_retention_days = 2
    sid = new_shipment(rt)
    open_sid = new_shipment(rt)
    move(client, shipping, sid, "handed_over", "delivered")
    assert retention.run(rt, only=RULE)[0].count == 0  # retention not over
    with pytest.raises(DatabaseError), rt.engine.begin() as conn:
        conn.execute(text("DELETE FROM shipments WHERE id = :id"), {"id": sid})
    clock.advance(3 * 86400)
    assert retention.run(rt, only=RULE, dry_run=True)[0].count == 1
    assert retention.run(rt, only=RULE)[0].count == 1
    with rt.sessions() as s:
        assert s.get(Shipment, sid) is None and s.get(Shipment, open_sid) is not None
        receipt = s.execute(select(ShipmentRelease)).scalar_one()
        assert receipt.shipment_id == sid and receipt.released_at >= receipt.retain_until
    with pytest.raises(DatabaseError), rt.engine.begin() as conn:  # receipts are for good
        conn.execute(text("DELETE FROM shipment_releases"))


def test_malformed_ids_are_404_on_every_lookup(client: TestClient, rt: Runtime) -> None:
    setup_shop(rt)
    _, shipping = make_staff(rt, "shipping")
    _, billing = make_staff(rt, "billing")
    for path, token, purpose in (
        ("/api/v1/shipments/%00x", shipping, SHIP),
        ("/api/v1/invoices/%00x", billing, "billing"),
        ("/api/v1/orders/%00x", billing, "billing"),
        ("/api/v1/credit/%00x", billing, "credit"),
    ):
        response = client.get(path, headers=api_headers(token, purpose))
        assert response.status_code == 404, (path, response.text)
