"""P04: processors' own credentials and the carrier's feed.

A credential is shown once and stored hashed, lies within its contract's scope and dates,
opens the carrier's feed of parcels to deliver (name and address only, each one on the
disclosure register), answers 403 outside its scope (audited, no value), and 401 once it
is revoked, expired or its contract ended, in every worker within a second. The evidence
check of credentials turns red when one outlives or outgrows its contract.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from imbplus.auth import generations
from imbplus.clock import clock
from imbplus.errors import NotFound, ValidationFailed
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.privacy.disclosure import Disclosure
from imbplus.privacy.models import AuditRecord
from imbplus.processors import auth, credentials
from imbplus.processors import service as processors
from imbplus.processors.models import Processor, ProcessorCredential
from imbplus.runtime import Runtime
from tests.support.evidence import check
from tests.support.factories import api_headers, make_customer, make_staff
from tests.support.shop import place_order, setup_shop

FEED = "/api/v1/feeds/shipments"
WITHIN = "No processor credential outlives its contract or is broader than it"


def issue(rt: Runtime, processor_id: str = "sandbox-carrier", **kw: Any) -> credentials.Issued:
    with rt.job("processors", Purpose.SECURITY) as ctx:
        return credentials.issue(ctx, processor_id, **kw)


def end_contract(rt: Runtime, processor_id: str) -> None:
    with rt.unit_of_work() as s:
        dpo = Context(s, rt, Actor.staff(1, ["dpo"]), Purpose.SECURITY)
        processors.end_contract(dpo, processor_id)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def parcel(client: TestClient, rt: Runtime) -> dict[str, str]:
    """A box handed over to the sandbox carrier (the customer's name and address)."""
    setup_shop(rt)
    customer = make_customer(rt)
    sid = place_order(rt, customer.id).shipments[0].id
    token = make_staff(rt, "shipping")[1]
    moved = client.post(
        f"/api/v1/shipments/{sid}/status",
        json={"status": "handed_over"},
        headers=api_headers(token, "shipment_contact"),
    )
    assert moved.status_code == 200, moved.text
    return {"id": sid, "customer": customer.id, "name": customer.name, "email": customer.email}


def test_p04_the_carrier_reads_its_parcels_with_its_own_credential(
    client: TestClient, rt: Runtime, parcel: dict[str, str]
) -> None:
    issued = issue(rt)
    assert issued.token.startswith("imbpr_")
    with rt.sessions() as s:
        stored = s.execute(select(ProcessorCredential)).scalar_one()
        assert stored.token_hash != issued.token and issued.token not in stored.scope
        contract = s.get(Processor, "sandbox-carrier")
        assert contract is not None and stored.expires_at == contract.valid_until
    answer = client.get(FEED, headers=bearer(issued.token))
    assert answer.status_code == 200, answer.text
    [item] = answer.json()
    assert item["shipment_id"] == parcel["id"] and item["recipient"]["name"] == parcel["name"]
    assert set(item["recipient"]["address"]) == {"street", "postal_code", "city"}
    assert parcel["email"] not in answer.text  # contact data is not in the feed
    with rt.sessions() as s:
        row = s.execute(
            select(Disclosure).where(Disclosure.purpose == "service_delivery")
        ).scalar_one()
    assert (row.recipient_id, row.subject_id, row.categories) == (
        "sandbox-carrier",
        parcel["customer"],
        "shipment_record",
    )
    assert row.fields == "parcel_id,name,street,postal_code,city" and not row.sandbox
    assert check(rt, WITHIN)["status"] == "pass"


def test_p04_outside_its_scope_a_processor_gets_403_audited(
    client: TestClient, rt: Runtime, parcel: dict[str, str]
) -> None:
    issued = issue(rt, "sandbox-payments")
    answer = client.get(FEED, headers=bearer(issued.token))
    assert answer.status_code == 403
    assert "shipment_record" in answer.text and parcel["name"] not in answer.text
    with rt.sessions() as s:
        refused = s.execute(
            select(AuditRecord).where(
                AuditRecord.actor_id == "sandbox-payments", AuditRecord.result == "denied"
            )
        ).scalar_one()
    assert refused.reason == "outside the processor's contract: shipment_record"
    # a carrier credential narrowed to its shipment-contact purpose is refused the same way
    narrow = issue(rt, scope=["shipment_record:shipment_contact"])
    assert client.get(FEED, headers=bearer(narrow.token)).status_code == 403


def test_p04_revoked_expired_or_ended_answers_401(
    client: TestClient, rt: Runtime, parcel: dict[str, str]
) -> None:
    one, two, three = issue(rt), issue(rt), issue(rt)
    for c in (one, two, three):
        assert client.get(FEED, headers=bearer(c.token)).status_code == 200  # now cached
    with rt.job("processors", Purpose.SECURITY) as ctx:
        credentials.revoke(ctx, one.credential.id)
    answer = client.get(FEED, headers=bearer(one.token))
    assert answer.status_code == 401 and "revoked" in answer.text
    end_contract(rt, "sandbox-carrier")
    assert client.get(FEED, headers=bearer(two.token)).status_code == 401
    assert check(rt, WITHIN)["status"] == "pass"  # the ended contract cut its credentials
    with rt.job("processors", Purpose.SECURITY) as ctx:
        processors.register_sandbox(ctx)  # a new contract: the old credentials stay cut
    assert client.get(FEED, headers=bearer(three.token)).status_code == 401
    short = issue(rt, expires_at=clock.now() + timedelta(hours=1))
    assert client.get(FEED, headers=bearer(short.token)).status_code == 200
    clock.advance(3601)
    answer = client.get(FEED, headers=bearer(short.token))
    assert answer.status_code == 401 and "expired" in answer.text
    for bad in ("imbpr_" + "x" * 43, "imbst_nope", "imbpr_" + "y" * 200, ""):
        refused = client.get(FEED, headers=bearer(bad))
        assert refused.status_code == 401 and refused.json()["error"]


def test_p04_a_revocation_elsewhere_reaches_a_worker_within_its_poll(
    rt: Runtime, parcel: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another worker's cache (its own object) sees the generation move at its next look."""
    issued = issue(rt)
    cache = auth.CredentialCache(rt)
    with rt.sessions() as s:
        assert cache.authenticate(s, issued.token).id == "sandbox-carrier"
    with rt.sessions() as s:  # another host: the row changes and the counter moves, no call
        s.execute(update(ProcessorCredential).values(revoked_at=clock.now()))
        generations.bump(s, generations.PROCESSOR_CREDENTIALS)
        s.commit()
    monkeypatch.setattr(cache._changes, "_looked", cache._changes._looked - 1.0)
    with rt.sessions() as s, pytest.raises(Exception, match="revoked"):
        cache.authenticate(s, issued.token)


def test_p04_bad_requests_for_credentials_are_clear(rt: Runtime) -> None:
    setup_shop(rt)
    with pytest.raises(NotFound):
        issue(rt, "no-such-processor")
    with pytest.raises(ValidationFailed) as broader:
        issue(rt, scope=["payment_card:billing"])
    assert "outside the contract: payment_card:billing" in str(broader.value.details)
    with pytest.raises(ValidationFailed) as later:
        issue(rt, expires_at=clock.now() + timedelta(days=4000))
    assert "no later than the contract's end" in str(later.value.details)
    end_contract(rt, "sandbox-sms")
    with pytest.raises(ValidationFailed) as ended:
        issue(rt, "sandbox-sms")
    assert "its contract is not in force" in str(ended.value.details)
    with pytest.raises(NotFound), rt.job("processors", Purpose.SECURITY) as ctx:
        credentials.revoke(ctx, 999)


@pytest.mark.parametrize("breach", ["outlives", "broader"])
def test_p04_a_credential_beyond_its_contract_turns_the_check_red(rt: Runtime, breach: str) -> None:
    setup_shop(rt)
    issued = issue(rt)
    assert check(rt, WITHIN)["status"] == "pass"
    change: dict[str, Any] = (
        {"expires_at": clock.now() + timedelta(days=4000)}
        if breach == "outlives"
        else {"scope": "payment_card:billing\nshipment_record:shipment_contact"}
    )
    with rt.sessions() as s:  # a bug that forgot to cut the credential to its contract
        s.execute(
            update(ProcessorCredential)
            .where(ProcessorCredential.id == issued.credential.id)
            .values(**change)
        )
        s.commit()
    result = check(rt, WITHIN)
    assert result["status"] == "fail"
    assert f"credential {issued.credential.id} of sandbox-carrier" in result["detail"]
    assert ("outlives" if breach == "outlives" else "payment_card:billing") in result["detail"]
