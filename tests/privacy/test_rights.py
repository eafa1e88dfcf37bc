"""B01: machine-readable export of everything held, requests with a one-month clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient

from imbplus.clock import clock
from imbplus.compliance import evidence
from imbplus.compliance.rights import one_month_after
from imbplus.runtime import Runtime
from imbplus.settings import Settings
from tests.support.cli import imbplus
from tests.support.factories import api_headers, make_staff, make_subscriber


def test_one_month_deadline() -> None:
    assert one_month_after(datetime(2026, 1, 31, tzinfo=UTC)) == datetime(2026, 2, 28, tzinfo=UTC)
    assert one_month_after(datetime(2026, 12, 5, tzinfo=UTC)) == datetime(2027, 1, 5, tzinfo=UTC)


def test_b01_export_holds_the_record_and_no_secrets(client: TestClient, rt: Runtime) -> None:
    person = make_subscriber(rt)
    _, dpo = make_staff(rt, "dpo")
    _, support = make_staff(rt, "support")
    export = client.get(
        f"/api/v1/customers/{person.id}/export", headers=api_headers(dpo, "data_subject_request")
    )
    assert export.status_code == 200, export.text
    data = export.json()
    assert data["customer"]["email"] == person.email
    assert data["portal_account"]["has_account"] is True
    assert "argon2" not in export.text and "password_hash" not in export.text
    wrong_purpose = client.get(
        f"/api/v1/customers/{person.id}/export", headers=api_headers(support, "service_delivery")
    )
    assert wrong_purpose.status_code == 422


def test_b01_requests_and_the_deadline_in_the_evidence(client: TestClient, rt: Runtime) -> None:
    person = make_subscriber(rt)
    _, dpo = make_staff(rt, "dpo")
    headers = api_headers(dpo, "data_subject_request")
    opened = client.post(
        "/api/v1/rights/requests",
        headers=headers,
        json={"customer_id": person.id, "kind": "access", "channel": "email"},
    )
    assert opened.status_code == 201, opened.text
    assert (
        client.post(
            "/api/v1/rights/requests",
            headers=headers,
            json={"customer_id": person.id, "kind": "gossip", "channel": "email"},
        ).status_code
        == 422
    )

    def b01() -> str:
        report = evidence.run_all(rt)
        return next(c for c in report["checks"] if c["clause"] == "B01")["status"]

    assert b01() == "pass"
    clock.advance(32 * 86400)
    listed = client.get("/api/v1/rights/requests", headers=headers).json()
    assert listed[0]["overdue"] is True
    assert b01() == "fail"
    closed = client.post(
        f"/api/v1/rights/requests/{listed[0]['id']}/close",
        headers=headers,
        json={"status": "done", "outcome": "export sent by registered post"},
    )
    assert closed.status_code == 200 and closed.json()["status"] == "done"
    # Answering late does not make the lateness go away: the check names the request
    # for a year of reviews, then the record ages out of the window.
    report = next(c for c in evidence.run_all(rt)["checks"] if c["clause"] == "B01")
    assert report["status"] == "fail" and str(listed[0]["id"]) in report["detail"]
    clock.advance(366 * 86400)
    assert b01() == "pass"


def test_b01_cli_export_is_private(settings: Settings, rt: Runtime, tmp_path: Path) -> None:
    person = make_subscriber(rt)
    out = tmp_path / "export.json"
    result = imbplus(settings, "rights", "export", "--customer", person.id, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert out.stat().st_mode & 0o777 == 0o600
    assert json.loads(out.read_text())["customer"]["id"] == person.id
