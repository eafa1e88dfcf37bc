"""B04: the evidence report checks P04, P09, P10 and P20 on the running system."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import text

from imbplus.compliance import evidence
from imbplus.runtime import Runtime
from tests.support.factories import api_headers, make_customer, make_staff
from tests.support.shop import place_order, setup_shop


def _checks(rt: Runtime) -> dict[str, dict]:
    return {c["title"]: c for c in evidence.run_all(rt)["checks"]}


def test_b04_shop_checks_pass_then_a_missing_trigger_fails(client: TestClient, rt: Runtime) -> None:
    setup_shop(rt)
    sid = place_order(rt, make_customer(rt).id).shipments[0].id
    _, shipping = make_staff(rt, "shipping")
    for status in ("handed_over", "delivered"):
        client.post(
            f"/api/v1/shipments/{sid}/status",
            json={"status": status},
            headers=api_headers(shipping, "shipment_contact"),
        )
    checks = _checks(rt)
    sealed = checks["Sealed shipment records are guarded by the database and their hashes hold"]
    assert sealed["status"] == "pass" and sealed["figures"]["sealed_checked"] == 1
    for title in (
        "A shipping label carries name, address and parcel id only",
        "No column can hold a CVV; saved card numbers are ciphertext",
        "Every processor has a contract reference, a scope and dates",
    ):
        assert checks[title]["status"] == "pass", checks[title]
    with rt.engine.begin() as conn:
        if rt.engine.dialect.name == "postgresql":
            conn.execute(text("DROP TRIGGER shipment_events_sealed ON shipment_events"))
            conn.execute(text("DROP TRIGGER shipment_events_no_truncate ON shipment_events"))
        else:
            conn.execute(text("DROP TRIGGER shipment_events_sealed_no_update"))
            conn.execute(text("DROP TRIGGER shipment_events_sealed_no_delete"))
    broken = _checks(rt)[
        "Sealed shipment records are guarded by the database and their hashes hold"
    ]
    assert broken["status"] == "fail" and "shipment_events" in broken["detail"]
