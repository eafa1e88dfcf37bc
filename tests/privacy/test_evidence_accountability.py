"""B02, B04: the checks that the system accounts for itself turn red on realistic breaks."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from imbplus.clock import clock
from imbplus.compliance import evidence
from imbplus.compliance.evidence_models import EvidenceRun
from imbplus.privacy import checks
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Action, Category, Purpose
from imbplus.privacy.models import AuditRecord
from imbplus.runtime import Runtime
from tests.support.evidence import check
from tests.support.factories import make_customer, make_staff

SEEN = "Every use of a customer's data by staff or processors shows in their log"
ACCOUNTED = "Every clause has a live check and every stored run is on the audit chain"


def _support_reads(rt: Runtime, subjects: list[str | None]) -> None:
    staff, _ = make_staff(rt, "support")
    with rt.unit_of_work() as session:
        ctx = Context(session, rt, Actor.staff(staff.id, ["support"]), Purpose.SERVICE_DELIVERY)
        ctx.check(Action.READ, {Category.IDENTITY}, operation="customer.read", subjects=subjects)


def test_b02_no_use_yet_is_not_exercised(rt: Runtime) -> None:
    assert check(rt, SEEN)["status"] == "not_exercised"


def test_b02_reads_naming_the_customer_pass(rt: Runtime) -> None:
    _support_reads(rt, [make_customer(rt).id])
    result = check(rt, SEEN)
    assert result["status"] == "pass" and result["figures"]["uses"] == 1


def test_b02_a_read_that_names_no_customer_is_named(rt: Runtime) -> None:
    """A code path that decides for a list without saying whose rows it shows: the
    customers never see it in "who saw my data"."""
    _support_reads(rt, [make_customer(rt).id])
    _support_reads(rt, [None])
    with rt.sessions() as s:
        seq = s.execute(
            select(AuditRecord.seq).where(
                AuditRecord.subject_id.is_(None), AuditRecord.action == "customer.read"
            )
        ).scalar_one()
    result = check(rt, SEEN)
    assert result["status"] == "fail"
    assert f"record {seq} (customer.read)" in result["detail"]


def test_b04_every_clause_has_a_check_and_runs_are_chained(rt: Runtime) -> None:
    first = check(rt, ACCOUNTED)
    assert first["status"] == "pass" and first["figures"]["stored_runs"] == 0
    evidence.run_all(rt)
    assert check(rt, ACCOUNTED)["figures"]["stored_runs"] == 1


def test_b04_a_clause_left_without_a_check_is_named(
    rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    evidence.checks()  # every module registered its checks once; loading again adds none
    kept = [c for c in checks._CHECKS if c.clause != "P24"]
    monkeypatch.setattr(checks, "_CHECKS", kept)
    result = check(rt, ACCOUNTED)
    assert result["status"] == "fail" and "clauses without a check: ['P24']" in result["detail"]


def test_b04_a_stored_run_deleted_or_added_by_hand_is_named(rt: Runtime) -> None:
    evidence.run_all(rt)
    evidence.run_all(rt)
    with rt.sessions() as s:
        s.execute(delete(EvidenceRun).where(EvidenceRun.id == 1))
        s.commit()
    result = check(rt, ACCOUNTED)
    assert result["status"] == "fail"
    assert "1 evidence runs on the audit chain are missing" in result["detail"]
    with rt.sessions() as s:
        s.add(EvidenceRun(at=clock.now(), passed=40, failed=0, report="{}"))
        s.add(EvidenceRun(at=clock.now(), passed=40, failed=0, report="{}"))
        s.commit()
    result = check(rt, ACCOUNTED)
    assert result["status"] == "fail"
    assert "1 stored evidence runs are not on the audit chain" in result["detail"]
