"""B04: the evidence report runs live checks per clause and shows failures honestly."""

from __future__ import annotations

import json
import os

from fastapi.testclient import TestClient
from sqlalchemy import text

from imbplus.backup import drill as drills
from imbplus.backup import service as backups
from imbplus.compliance import evidence, retention
from imbplus.runtime import Runtime
from imbplus.settings import Settings
from tests.staff.test_console import choose, csrf_of, login
from tests.support.cli import imbplus
from tests.support.factories import make_customer, make_staff


def _by_title(report: dict) -> dict[str, dict]:
    return {c["title"]: c for c in report["checks"]}


def test_b04_checks_pass_on_a_healthy_system(rt: Runtime) -> None:
    from imbplus.demo.policy import load as load_policy

    make_customer(rt)
    load_policy(rt)
    retention.run(rt)
    assert drills.run(rt, backups.create(rt).path).passed
    report = evidence.run_all(rt)
    failing = [c for c in report["checks"] if c["status"] in ("fail", "error")]
    assert failing == []
    # what this small system has not done yet is said so, not passed
    idle = {c["clause"] for c in report["checks"] if c["status"] == "not_exercised"}
    assert idle == {
        *("B01", "B02", "B05", "P01", "P03", "P04", "P05", "P06", "P07", "P08"),
        *("P09", "P13", "P14", "P19", "P21", "P23", "P24"),
    }
    assert {"P03", "P05", "P11", "P12", "P13"} <= set(report["summary"]["clauses_covered"])
    cipher = _by_title(report)["Personal columns hold ciphertext, not plain text"]
    assert cipher["figures"]["values_checked"] >= 6
    with rt.sessions() as s:
        assert evidence.latest(s) == report


def test_b04_a_broken_audit_chain_and_a_loose_key_file_fail(rt: Runtime) -> None:
    make_customer(rt)
    with rt.engine.begin() as conn:
        if rt.engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("UPDATE audit_log SET purpose = 'marketing' WHERE seq = 1"))
    rt.keyring  # noqa: B018 - loaded before the file mode changes
    os.chmod(rt.settings.key_file, 0o644)
    checks = _by_title(evidence.run_all(rt))
    chain = checks["The audit chain is intact up to its checkpoint"]
    assert chain["status"] == "fail" and "record 1" in chain["detail"]
    key = checks["The master key file is private and kept apart from the database"]
    assert key["status"] == "fail" and key["figures"]["mode"] == "0644"
    assert checks["Every retention rule ran within the last two days"]["status"] == "fail"


def test_b04_console_page_for_dpo_only(client: TestClient, rt: Runtime) -> None:
    dpo, _ = make_staff(rt, "dpo")
    login(client, dpo.username)
    choose(client, "security")
    page = client.get("/console/evidence")
    assert page.status_code == 200 and "No run yet" in page.text
    ran = client.post("/console/evidence", data={"csrf": csrf_of(page)}, follow_redirects=False)
    assert ran.status_code == 303  # the run happens after the answer, in the background
    shown = client.get("/console/evidence")
    assert "Privacy evidence report" in shown.text and "P11" in shown.text

    client.cookies.clear()
    support, _ = make_staff(rt, "support")
    login(client, support.username)
    choose(client, "service_delivery")
    assert client.get("/console/evidence").status_code == 403


def test_b04_cli_writes_json_and_html_and_exits_1_on_failure(
    settings: Settings, tmp_path: object
) -> None:
    from pathlib import Path

    out = Path(str(tmp_path))
    first = imbplus(
        settings, "evidence", "--json", str(out / "e.json"), "--html", str(out / "e.html")
    )
    assert first.returncode == 1  # retention has not run yet
    report = json.loads((out / "e.json").read_text())
    assert report["summary"]["failed"] >= 1
    assert "<table>" in (out / "e.html").read_text()
    from imbplus.demo.policy import load as load_policy

    rt = Runtime(settings)
    load_policy(rt)  # a policy in force (P22), as `imbplus demo` or `policy publish` gives
    rt.dispose()
    assert imbplus(settings, "retention", "run").returncode == 0
    assert imbplus(settings, "backup", "create", "-q").returncode == 0
    assert imbplus(settings, "backup", "drill", "-q").returncode == 0
    last = imbplus(settings, "evidence")
    assert last.returncode == 0, last.stdout


def test_b04_domain_checks_catch_real_faults(rt: Runtime) -> None:
    """Plain-text box PINs and a full IP past its period fail their clauses."""
    from datetime import timedelta

    from imbplus.clock import clock
    from imbplus.traffic.models import FullRequest
    from tests.support.factories import make_device

    person = make_customer(rt)
    make_device(rt, person.id)
    with rt.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO stb_credentials (customer_id, pin_hash, password_hash, "
                "version, updated_at) VALUES (:c, '1234', NULL, 1, :t)"
            ),
            {"c": person.id, "t": clock.now().replace(tzinfo=None)},
        )
    with rt.unit_of_work() as s:
        s.add(
            FullRequest(
                id="x" * 32,
                at=clock.now() - timedelta(days=30),
                ip_ct=b"\x01",
                ip_bidx=b"\x00" * 32,
                method="GET",
                route="/",
                status=200,
            )
        )
    checks = {c["title"]: c for c in evidence.run_all(rt)["checks"]}
    assert checks["Box PINs and passwords are kept only as argon2id hashes"]["status"] == "fail"
    assert checks["Full client addresses are gone after their short period"]["status"] == "fail"
