"""P07: requests from authorities: four eyes, bad input refused whole, a bundle limited to
the approved scope and recorded as a disclosure, and the customer told unless barred."""

from __future__ import annotations

import hashlib
import io
import json
import stat
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from imbplus.clock import clock
from imbplus.compliance import authority, subject_copy
from imbplus.errors import AccessDenied, Conflict, ValidationFailed
from imbplus.portal import access_log
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.authority_requests import AuthorityRequest, AuthorityRequestSubject
from imbplus.privacy.catalog import Purpose
from imbplus.privacy.disclosure import Disclosure
from imbplus.privacy.models import AuditRecord
from imbplus.runtime import Runtime
from imbplus.telemetry.store import Store
from tests.support.authority import BASIS, Desk, desk, draft_for
from tests.support.factories import make_customer, make_device
from tests.telemetry.helpers import auth, events, ndjson

URL = "/api/v1/telemetry/events"


def _count(rt: Runtime, model: type) -> int:
    with rt.sessions() as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


def test_p07_the_one_who_entered_a_request_cannot_approve_it(rt: Runtime) -> None:
    d = desk(rt)
    number = d.enter([make_customer(rt).id])
    with pytest.raises(AccessDenied, match="four eyes"):
        d.approve(number, actor=d.entering)
    with rt.sessions() as s:
        assert s.get(AuthorityRequest, number).status == "received"  # type: ignore[union-attr]
        refused = s.execute(
            select(AuditRecord).where(
                AuditRecord.action == "authority.approve", AuditRecord.result == "denied"
            )
        ).scalar_one()
    assert "four eyes" in (refused.reason or "")  # the refusal survives the rollback
    d.approve(number)
    with pytest.raises(Conflict):
        d.approve(number)  # decided once
    with rt.sessions() as s:
        row = s.get(AuthorityRequest, number)
        assert row is not None and row.status == "approved"
        assert row.decided_by != row.entered_by and row.decision_reason == "court order"


def test_p07_a_role_other_than_the_dpo_cannot_enter_or_approve(rt: Runtime) -> None:
    d = desk(rt)
    support = Actor.staff(999, ["support"])
    customer = make_customer(rt).id
    with pytest.raises(AccessDenied):
        d.run(support, lambda ctx: authority.add(ctx, draft_for([customer])))
    number = d.enter([make_customer(rt).id])
    with pytest.raises(AccessDenied):
        d.approve(number, actor=support)
    with pytest.raises(AccessDenied):
        d.approve(number, actor=Actor.system("cli"))  # a person decides, not a job


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"customers": ["6f1c2a4e-0000-4000-8000-000000000000"]}, "customers"),
        ({"customers": []}, "customers"),
        ({"customers": ["not-an-id"]}, "customers"),
        ({"categories": []}, "categories"),
        ({"categories": ["payment_card"]}, "categories"),
        ({"legal_basis": "  "}, "legal_basis"),
        ({"reference": ""}, "reference"),
        ({"bar_until": "2026-11-01"}, "bar_until"),
        ({"bar_until": "2026-11-18"}, "bar_until"),
        ({"received_on": "2026-12-24"}, "received_on"),
        ({"received_on": "2026-13-45"}, "received_on"),
        ({"period_from": "2026-05-01", "period_to": "2026-04-01"}, "period_to"),
        ({"authority": "no-such-authority"}, "authority"),
        ({"notes": "a\x00b"}, "notes"),
    ],
)
def test_p07_bad_input_is_refused_and_nothing_is_stored(
    rt: Runtime, change: dict[str, object], field: str
) -> None:
    d = desk(rt)
    customer = make_customer(rt).id
    with pytest.raises(ValidationFailed) as refused:
        d.enter(**{"customers": [customer], **change})
    assert field in [p["field"] for p in refused.value.details["fields"]]
    assert _count(rt, AuthorityRequest) == 0 and _count(rt, AuthorityRequestSubject) == 0


def test_p07_a_request_is_not_fulfilled_before_approval(rt: Runtime) -> None:
    d = desk(rt)
    number = d.enter([make_customer(rt).id])
    with pytest.raises(Conflict, match="approved"):
        d.fulfil(number)
    assert _count(rt, Disclosure) == 0
    assert not (Path(rt.settings.data_dir) / "authority" / f"request-{number}.zip").exists()
    refused = d.enter([make_customer(rt).id])
    d.run(
        d.deciding,
        lambda ctx: authority.decide(ctx, refused, approve=False, reason="outside the statute"),
    )
    with pytest.raises(Conflict):
        d.fulfil(refused)
    assert _count(rt, Disclosure) == 0


def _bundle(rt: Runtime, row: AuthorityRequest) -> tuple[Path, dict[str, bytes]]:
    path = Path(rt.settings.data_dir) / "authority" / str(row.bundle_name)
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        return path, {n: archive.read(n) for n in archive.namelist()}


def test_p07_the_bundle_holds_the_approved_scope_only_and_is_on_the_register(
    rt: Runtime,
) -> None:
    d = desk(rt)
    wanted = make_customer(rt, name="Jadwiga Kowalczyk")
    other = make_customer(rt, name="Zenon Nowicki")
    row = d.fulfilled([wanted.id], categories=["identity"])
    path, files = _bundle(rt, row)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not list(path.parent.glob(".*partial"))
    assert sorted(files) == ["data.json", "index.html", "manifest.json"]
    manifest = json.loads(files["manifest.json"])
    for name in ("data.json", "index.html"):
        assert manifest["files"][name]["sha256"] == hashlib.sha256(files[name]).hexdigest()
    data = json.loads(files["data.json"])
    assert data["request"]["legal_basis"] == BASIS
    assert [s["customer"] for s in data["subjects"]] == [wanted.id]
    assert data["subjects"][0]["record"] == {"name": "Jadwiga Kowalczyk"}  # no e-mail, address
    page = files["index.html"].decode()
    assert 'lang="pl"' in page and "Podstawa prawna" in page and "Jadwiga Kowalczyk" in page
    assert "Zenon" not in files["data.json"].decode() + page
    with rt.sessions() as s:
        disclosed = s.get(Disclosure, row.disclosure_id)
        assert disclosed is not None
        touched = set(
            s.execute(
                select(AuditRecord.subject_id).where(
                    AuditRecord.request_id == row.fulfil_request_id,
                    AuditRecord.subject_id.is_not(None),
                )
            ).scalars()
        )
        purposes = set(
            s.execute(
                select(AuditRecord.purpose).where(AuditRecord.request_id == row.fulfil_request_id)
            ).scalars()
        )
    assert disclosed.recipient_kind == "authority" and disclosed.legal_basis == BASIS
    assert disclosed.file_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert disclosed.categories == "identity" and disclosed.subject_count == 1
    assert touched == {wanted.id} and purposes == {"legal_obligation"}
    assert other.id not in touched


def _trail(rt: Runtime, customer_id: str) -> list[str]:
    with rt.unit_of_work() as session:
        ctx = Context(session, rt, Actor.customer(customer_id), Purpose.DATA_SUBJECT_REQUEST)
        page = access_log.grouped_trail(ctx, include_mine=True)
        return [g.operation for g in page.groups]


def _told(rt: Runtime, customer_id: str) -> list[str]:
    with rt.unit_of_work() as session:
        ctx = Context(session, rt, Actor.customer(customer_id), Purpose.DATA_SUBJECT_REQUEST)
        copy = subject_copy.build(ctx, customer_id, Store(rt.settings.telemetry_root))
    return [r["recipient_kind"] for r in copy.recipients]


def test_p07_the_customer_is_told_unless_the_request_bars_it_then_once_the_bar_ends(
    rt: Runtime,
) -> None:
    d: Desk = desk(rt)
    told, barred = make_customer(rt).id, make_customer(rt).id
    d.fulfilled([told])
    bar_end = (clock.now() + timedelta(days=30)).date().isoformat()
    d.fulfilled([barred], bar_until=bar_end)
    assert "authority.disclosed" in _trail(rt, told) and "authority" in _told(rt, told)
    hidden = _trail(rt, barred)
    assert "authority.disclosed" not in hidden and "customer.read_scope" not in hidden
    assert "authority" not in _told(rt, barred)
    clock.advance(29 * 86400)
    assert "authority.disclosed" not in _trail(rt, barred)
    clock.advance(2 * 86400)  # the bar has ended
    shown = _trail(rt, barred)
    assert "authority.disclosed" in shown and "customer.read_scope" in shown
    assert "authority" in _told(rt, barred)


def test_p07_the_boxes_activity_goes_within_the_requests_period_only(
    rt: Runtime, client: TestClient
) -> None:
    d = desk(rt)
    customer = make_customer(rt).id
    _box, token = make_device(rt, customer)
    for batch in (events(6, start_minutes_ago=600), events(4, start_minutes_ago=600 + 2880)):
        assert client.post(URL, content=ndjson(batch), headers=auth(token)).status_code == 200
    today = clock.now().date().isoformat()
    categories = ["stb_device", "stb_activity"]
    row = d.fulfilled([customer], categories=categories, period_from=today, period_to=today)
    _path, files = _bundle(rt, row)
    [subject] = json.loads(files["data.json"])["subjects"]
    assert len(subject["activity"]) == 6 and len(subject["set_top_boxes"]) == 1
    assert "record" not in subject  # no identity, contact or address was approved
    whole = d.fulfilled([customer], categories=categories)
    [subject] = json.loads(_bundle(rt, whole)[1]["data.json"])["subjects"]
    assert len(subject["activity"]) == 10
