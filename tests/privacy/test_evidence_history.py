"""B04: evidence runs are kept signed, anchored in the audit chain, listed and compared."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select, text

from imbplus.clock import clock
from imbplus.compliance import evidence, retention
from imbplus.compliance.evidence_models import EvidenceRun
from imbplus.privacy.models import AuditRecord
from imbplus.runtime import Runtime
from imbplus.settings import Settings
from tests.support.cli import imbplus
from tests.support.console import choose, login
from tests.support.factories import make_customer, make_staff

RETENTION = "Every retention rule ran within the last two days"


def _alter_first_run(rt: Runtime) -> int:
    """Rewrite the oldest stored report by direct SQL (one more check passed)."""
    with rt.sessions() as s:
        row = s.execute(select(EvidenceRun).order_by(EvidenceRun.id).limit(1)).scalar_one()
        run_id, doc = row.id, json.loads(row.report)
    doc["summary"]["passed"] += 1
    with rt.engine.begin() as conn:
        conn.execute(
            text("UPDATE evidence_runs SET report = :r, passed = passed + 1 WHERE id = :i"),
            {"r": json.dumps(doc), "i": run_id},
        )
    return run_id


def test_b04_a_run_is_stored_with_commit_time_settings_and_a_valid_signature(
    rt: Runtime,
) -> None:
    make_customer(rt)
    started = clock.now()
    report = evidence.run_all(rt)
    assert started <= datetime.fromisoformat(report["generated_at"]) <= clock.now()
    assert report["commit"]["source"] in {"git", "package", "unknown"}
    assert report["commit"].get("revision") or report["commit"].get("version")
    used = report["settings"]
    assert used["backend"] == rt.engine.dialect.name
    assert set(used["adapters"]) == {"payment", "carrier", "sms"}
    assert used["data_dir_layout"]["audit_checkpoint"]
    kept = json.dumps(used)
    assert "://" not in kept and "password" not in kept  # no URL, no secret
    with rt.sessions() as s:
        row = s.execute(select(EvidenceRun)).scalar_one()
        assert evidence.verifies(rt, row)
        assert started <= row.at <= clock.now()
        assert row.not_exercised == report["summary"]["not_exercised"]
        assert row.html is not None and "Privacy evidence report" in row.html
        assert json.loads(row.report) == report
        noted = s.execute(
            select(AuditRecord).where(AuditRecord.action == "evidence.run")
        ).scalar_one()
        # the audit chain carries the digest of exactly the stored JSON
        assert f"sha256={evidence.digest_of(row.report)}" in (noted.reason or "")
        assert noted.subject_id == f"evidence_run:{row.id}"


def test_b04_changes_name_new_removed_and_changed_checks() -> None:
    before = {"checks": [{"clause": "P01", "title": "a", "status": "pass"}]}
    before["checks"].append({"clause": "P02", "title": "gone", "status": "pass"})
    after = {"checks": [{"clause": "P01", "title": "a", "status": "fail"}]}
    after["checks"].append({"clause": "P03", "title": "new", "status": "not_exercised"})
    found = {(c.clause, c.then, c.now) for c in evidence.changes(before, after)}
    assert found == {("P01", "pass", "fail"), ("P02", "pass", None), ("P03", None, "not_exercised")}


def test_b04_an_altered_stored_run_shows_as_not_verifying_on_the_page_and_in_history(
    rt: Runtime, client: TestClient, settings: Settings
) -> None:
    evidence.run_all(rt)
    clock.advance(3600)
    evidence.run_all(rt)
    altered = _alter_first_run(rt)
    with rt.sessions() as s:
        runs = evidence.history(rt, s)
    assert [(r.id, r.valid) for r in runs] == [(altered, False), (altered + 1, True)]
    assert runs[0].statuses == {}  # nothing of an altered run is used as evidence

    listed = imbplus(settings, "evidence", "--history")
    assert listed.returncode == 0, listed.stderr
    lines = [line for line in listed.stdout.splitlines() if f" {altered} " in line]
    assert lines and "does not verify" in lines[0]
    assert "1 do not verify" in listed.stdout

    dpo, _ = make_staff(rt, "dpo")
    login(client, dpo.username)
    choose(client, "security")
    page = client.get("/console/evidence")
    assert page.status_code == 200
    assert page.text.count('<svg class="evidence-chart"') >= 3  # one chart per clause
    assert "P11" in page.text and "does not verify" in page.text
    assert f'href="/console/evidence/runs/{altered + 1}"' in page.text
    assert f'href="/console/evidence/runs/{altered}"' not in page.text  # no link to it
    stored = client.get(f"/console/evidence/runs/{altered + 1}")
    assert stored.status_code == 200 and "Privacy evidence report" in stored.text
    # its own inline style is allowed by its hash, nothing else inline
    import base64
    import hashlib
    import re

    (style,) = re.findall(r"<style>(.*?)</style>", stored.text, flags=re.S)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    policy = stored.headers["content-security-policy"]
    assert f"style-src 'self' 'sha256-{digest}'" in policy and "unsafe-inline" not in policy
    assert "script-src 'self'" in policy
    refused = client.get(f"/console/evidence/runs/{altered}")
    assert refused.status_code == 409 and "Signature does not verify" in refused.text
    assert "Privacy evidence report" not in refused.text


def test_b04_an_altered_latest_run_is_not_shown_as_the_report(
    rt: Runtime, client: TestClient
) -> None:
    evidence.run_all(rt)
    _alter_first_run(rt)
    dpo, _ = make_staff(rt, "dpo")
    login(client, dpo.username)
    choose(client, "security")
    page = client.get("/console/evidence")
    assert "signature does not verify" in page.text
    assert "Privacy evidence report" not in page.text


def test_b04_since_shows_a_check_that_went_from_pass_to_fail(
    settings: Settings, rt: Runtime
) -> None:
    retention.run(rt)
    first = imbplus(settings, "evidence")
    assert RETENTION in first.stdout and first.returncode in (0, 1)
    day = clock.now().date()
    clock.advance(3 * 86400)  # retention has not run for three days: a real lapse
    later = imbplus(settings, "evidence", "--since", day.isoformat())
    assert later.returncode == 1
    assert "Changes since run 1" in later.stdout
    changed = [line for line in later.stdout.splitlines() if "retention rule" in line]
    assert any("pass → fail" in line for line in changed), later.stdout[-3000:]
    earlier = imbplus(settings, "evidence", "--since", (day - timedelta(days=1)).isoformat())
    assert "no stored run on or before" in earlier.stdout


def test_b04_a_missing_checkpoint_makes_the_report_fail(settings: Settings, rt: Runtime) -> None:
    make_customer(rt)
    settings.checkpoint_file.unlink()
    done = imbplus(settings, "evidence")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "checkpoint" in lines[0] and "missing" in lines[0]
    with rt.sessions() as s:
        assert s.execute(select(EvidenceRun)).first() is None  # no run kept under it


def test_b04_a_bad_since_date_is_one_line_and_exit_2(settings: Settings) -> None:
    for bad in ("2026-13-40", "yesterday"):
        done = imbplus(settings, "evidence", "--since", bad)
        assert done.returncode == 2
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error:") and "--since" in lines[0]
        assert "Traceback" not in done.stderr
