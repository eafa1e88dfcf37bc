"""The privacy core's checks turn red on realistic breaks (B03, P03, P05, P11, P12), and the
domain checks kept with them here (P02, P13 box activity, P11 restore drill), each naming
the rule, column, file or account at fault. Every check of the report has such a test; the
last test of this file keeps it so."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi import FastAPI, Request, Response
from sqlalchemy import select, text, update

from imbplus import plugin
from imbplus.backup import drill as drills
from imbplus.backup import service as backups
from imbplus.clock import clock
from imbplus.compliance import evidence, ropa
from imbplus.customers.models import Customer
from imbplus.demo.customers import load as load_customers
from imbplus.privacy.access import Gate
from imbplus.privacy.catalog import Purpose
from imbplus.runtime import Runtime
from imbplus.staff.models import Staff
from imbplus.telemetry.generator import day_events, synthetic_fleet
from imbplus.telemetry.store import Store
from tests.support.evidence import check
from tests.support.factories import make_customer, make_staff

TESTS = Path(__file__).resolve().parents[1]


def _widen(rt: Runtime, tmp_path: Path, line: str) -> None:
    """A line added to the access policy file, as an editor of the file could."""
    widened = tmp_path / "access.csv"
    widened.write_text(rt.gate.policy_path.read_text() + line + "\n")
    rt.__dict__["gate"] = Gate(policy_path=widened)


def test_b03_a_purpose_without_its_description_is_named(
    rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    title = "The record of processing covers every purpose the policy uses"
    assert check(rt, title)["status"] == "pass"
    described = dict(ropa.PURPOSE_DESCRIPTIONS)
    del described[Purpose.MARKETING]
    monkeypatch.setattr(ropa, "PURPOSE_DESCRIPTIONS", described)
    result = check(rt, title)
    assert (
        result["status"] == "fail"
        and "purposes without an entry: ['marketing']" in (result["detail"])
    )


def test_p03_a_rule_with_a_misspelt_role_is_named(rt: Runtime, tmp_path: Path) -> None:
    title = "The access policy speaks only of known roles, categories and purposes"
    assert check(rt, title)["status"] == "pass"
    _widen(rt, tmp_path, "p, suport, identity, service_delivery, read")
    result = check(rt, title)
    assert result["status"] == "fail" and "suport" in result["detail"]


def test_p11_a_rule_letting_analysts_read_identities_is_named(rt: Runtime, tmp_path: Path) -> None:
    title = "Access is decided per role, purpose and category, and refusals are recorded"
    assert check(rt, title)["status"] == "pass"
    _widen(rt, tmp_path, "p, analyst, identity, market_research, read")
    result = check(rt, title)
    assert result["status"] == "fail" and "identity readable by ['analyst']" in result["detail"]


def test_p05_a_column_added_outside_the_catalogue_is_named(rt: Runtime) -> None:
    title = "Every stored column is classified in the data catalogue"
    assert check(rt, title)["status"] == "pass"
    with rt.sessions() as s:
        s.execute(text("ALTER TABLE customers ADD COLUMN notes TEXT"))
        s.commit()
    result = check(rt, title)
    assert result["status"] == "fail" and "customers.notes" in result["detail"]


def test_p12_a_missing_security_header_is_named(
    rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = plugin.app_factory()

    def create_app(**kwargs: Any) -> FastAPI:
        app = made(**kwargs)

        @app.middleware("http")
        async def strip(request: Request, call_next: Any) -> Response:
            response: Response = await call_next(request)
            del response.headers["content-security-policy"]
            return response

        return app

    monkeypatch.setattr(plugin, "_app_factory", create_app)
    result = check(rt, "Answers carry the security headers")
    assert result["status"] == "fail" and "content-security-policy" in result["detail"]


def test_p12_a_data_key_older_than_a_year_is_named(rt: Runtime) -> None:
    title = "Data keys are rotated within a year"
    make_customer(rt)
    assert check(rt, title)["status"] == "pass"
    clock.advance(400 * 86_400)
    result = check(rt, title)
    assert result["status"] == "fail" and "400 days old" in result["detail"]


def test_p12_a_second_factor_switched_off_is_counted(rt: Runtime) -> None:
    title = "Every active staff account that can see personal data has a second factor"
    staff, _ = make_staff(rt, "support")
    assert check(rt, title)["status"] == "pass"
    with rt.sessions() as s:
        s.execute(update(Staff).where(Staff.id == staff.id).values(totp_enabled=False))
        s.commit()
    result = check(rt, title)
    assert result["status"] == "fail" and "1 of 1 such accounts" in result["detail"]


DRILL = "A backup was restored and checked by a drill recently"


@pytest.fixture
def drilled(rt: Runtime) -> Path:
    make_customer(rt)
    made = backups.create(rt).path
    assert drills.run(rt, made).passed
    assert check(rt, DRILL)["status"] == "pass"
    return made


def test_p11_every_backup_deleted_after_the_drill_is_named(rt: Runtime, drilled: Path) -> None:
    for path in sorted(drilled.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    drilled.rmdir()
    result = check(rt, DRILL)
    assert result["status"] == "fail" and "no backup is kept" in result["detail"]


def test_p11_the_newest_backup_corrupted_is_named(rt: Runtime, drilled: Path) -> None:
    victim = max(
        (p for p in drilled.rglob("*") if p.is_file() and p.name != "manifest.json"),
        key=lambda p: p.stat().st_size,
    )
    with victim.open("r+b") as f:
        f.seek(victim.stat().st_size // 2)
        f.write(b"\x00corrupt\x00")
    result = check(rt, DRILL)
    assert result["status"] == "fail"
    assert f"the newest backup {drilled.name} does not match its manifest" in result["detail"]
    assert victim.name in result["detail"]


def _fill(rt: Runtime, days_back: int) -> Store:
    store = Store(rt.settings.telemetry_root)
    rng = np.random.default_rng(7)
    day = clock.now().date() - timedelta(days=days_back)
    store.write_batch(day_events(synthetic_fleet(5, rng), day, rng))
    return store


def test_p02_a_partial_file_left_in_the_store_is_named(rt: Runtime) -> None:
    title = "Boxes are registered and their activity is stored without partial files"
    store = _fill(rt, 1)
    assert check(rt, title)["status"] == "pass"
    leftover = store.files()[0].with_suffix(".tmp")
    leftover.write_bytes(b"PAR1 half a batch")
    hour_ago = time.time() - 7200
    os.utime(leftover, (hour_ago, hour_ago))
    result = check(rt, title)
    assert result["status"] == "fail" and leftover.name in result["detail"]


def test_p13_a_day_of_box_activity_past_its_period_is_named(rt: Runtime) -> None:
    title = "No day of box activity is older than its retention period"
    _fill(rt, 2)
    assert check(rt, title)["status"] == "pass"
    limit = rt.settings.telemetry_retention_days
    _fill(rt, limit + 30)
    result = check(rt, title)
    assert result["status"] == "fail" and f"(limit {limit})" in result["detail"]
    assert result["figures"]["oldest_day_age"] >= limit + 30


RED = ('"fail"', "not outcome.passed", "assert not ")


def _names(module: str, title: str, check_module: str) -> bool:
    """A test module picks the check by its title, written out or imported as `TITLE`."""
    return title in module or f"from {check_module} import TITLE" in module


def test_every_check_has_a_test_that_turns_it_red() -> None:
    """A new check comes with its mutations: a test module that picks it by its title also
    expects a failure."""
    modules = [p.read_text() for p in TESTS.rglob("test_*.py")]
    untested = [
        f"{c.clause} {c.title}"
        for c in evidence.checks()
        if not any(
            _names(m, c.title, c.run.__module__) and any(r in m for r in RED) for m in modules
        )
    ]
    assert untested == []


def test_p05_a_plain_value_in_the_last_row_of_many_is_named(rt: Runtime) -> None:
    """Every value is looked at, not a sample: the 801st customer's e-mail stored plain."""
    title = "Personal columns hold ciphertext, not plain text"
    load_customers(rt, 801, batch=400)
    assert check(rt, title)["status"] == "pass"
    with rt.sessions() as s:
        last = s.execute(select(Customer.id).order_by(Customer.created_at.desc())).scalars().first()
        s.execute(update(Customer).where(Customer.id == last).values(email_ct=b"anna@example.pl"))
        s.commit()
    result = check(rt, title)
    assert result["status"] == "fail"
    assert f"customers.email_ct (row {last})" in result["detail"]
    assert result["figures"]["values_checked"] >= 801
