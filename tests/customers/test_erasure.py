"""B01, P13: erasing a customer destroys their key and data; the answer says what was kept."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from imbplus.customers.models import Customer
from imbplus.privacy.models import AuditRecord, DataKeyVersion
from imbplus.runtime import Runtime
from tests.portal.test_pages import portal_login
from tests.support.factories import api_headers, make_staff, make_subscriber


def test_b01_dpo_erases_a_customer(client: TestClient, rt: Runtime) -> None:
    person = make_subscriber(rt)
    _, dpo = make_staff(rt, "dpo")
    _, support = make_staff(rt, "support")
    url = f"/api/v1/customers/{person.id}"
    answer = client.post(f"{url}/erasure", headers=api_headers(dpo, "data_subject_request"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["customer_id"] == person.id
    assert set(body["erased"]) >= {"customers", "portal"}
    assert body["kept"] == []
    gone = client.get(url, headers=api_headers(support))
    assert gone.status_code == 410 and gone.json()["error"] == "erased"
    with rt.sessions() as s:
        row = s.get(Customer, person.id)
        assert row is not None and row.status == "erased"
        assert (row.name_ct, row.email_ct, row.email_bidx) == (None, None, None)
        wrapped = (
            s.execute(select(DataKeyVersion.wrapped).where(DataKeyVersion.key_id == row.key_id))
            .scalars()
            .all()
        )
        assert wrapped and all(w is None for w in wrapped)
        last = s.execute(select(AuditRecord).order_by(AuditRecord.seq.desc())).scalars().first()
        assert last is not None and (last.action, last.subject_id) == ("customer.erased", person.id)
    assert portal_login(client, person.email).status_code == 401
    listed = client.get("/api/v1/customers", headers=api_headers(support)).json()["items"]
    assert person.id not in [c["id"] for c in listed]
    again = client.post(f"{url}/erasure", headers=api_headers(dpo, "data_subject_request"))
    assert again.status_code == 410


def test_b01_support_may_not_erase(client: TestClient, rt: Runtime) -> None:
    person = make_subscriber(rt)
    _, support = make_staff(rt, "support")
    refused = client.post(
        f"/api/v1/customers/{person.id}/erasure", headers=api_headers(support, "service_delivery")
    )
    assert refused.status_code == 403 and refused.json()["action"] == "delete"
    assert (
        client.get(f"/api/v1/customers/{person.id}", headers=api_headers(support)).status_code
        == 200
    )
