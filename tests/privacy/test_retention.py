"""P13: a schedule, purges past the period with receipts, dry runs that delete nothing."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from imbplus.auth.models import LoginFailure, WebSession
from imbplus.clock import clock
from imbplus.compliance import retention
from imbplus.compliance.retention_models import DeletionReceipt, LegalHold
from imbplus.privacy.catalog import Purpose
from imbplus.privacy.models import AuditRecord
from imbplus.runtime import Runtime
from imbplus.settings import Settings
from tests.support.cli import imbplus
from tests.support.console import login
from tests.support.factories import make_staff


def _count(rt: Runtime, model: type) -> int:
    with rt.sessions() as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


def test_p13_schedule_names_category_period_and_basis(rt: Runtime) -> None:
    rules = {r.name: r for r in retention.schedule()}
    assert {"auth.sessions", "auth.login_failures"} <= set(rules)
    for rule in rules.values():
        assert rule.legal_basis and rule.period(rt.settings) > timedelta(0)


def test_p13_purge_with_a_moved_clock_writes_receipts(client: TestClient, rt: Runtime) -> None:
    staff, _ = make_staff(rt, "support")
    login(client, staff.username)
    login(client, staff.username, "wrong password 1")
    # the session after the password, and the one that replaced it after the code (P12);
    # a failure counts for the account and address, the account, and the address; the
    # success before it marked its address as the owner's
    assert _count(rt, WebSession) == 2 and _count(rt, LoginFailure) == 4
    dry = {r.rule: r for r in retention.run(rt, dry_run=True)}
    assert dry["auth.sessions"].count == 0 and _count(rt, DeletionReceipt) == 0
    clock.advance(timedelta(days=45).total_seconds())
    dry = {r.rule: r for r in retention.run(rt, dry_run=True)}
    assert dry["auth.sessions"].count == 2 and dry["auth.login_failures"].count == 4
    assert _count(rt, WebSession) == 2 and _count(rt, DeletionReceipt) == 0  # dry: nothing gone
    done = {r.rule: r for r in retention.run(rt)}
    assert done["auth.sessions"].count == 2 and done["auth.login_failures"].count == 4
    assert _count(rt, WebSession) == 0 and _count(rt, LoginFailure) == 0
    with rt.sessions() as s:
        receipts = s.execute(select(DeletionReceipt)).scalars().all()
        notes = s.execute(select(AuditRecord).where(AuditRecord.action == "retention.purged"))
        assert len(notes.scalars().all()) == len(receipts) >= 2
    assert {r.rule for r in receipts} >= {"auth.sessions", "auth.login_failures"}
    assert all(r.legal_basis for r in receipts)


def test_p13_legal_holds_are_listed_for_purges(rt: Runtime) -> None:
    with rt.job("tests", Purpose.LEGAL_OBLIGATION) as ctx:
        hold = retention.add_hold(ctx, "customer-1", "court order 12/2026")
        assert retention.held_subjects(ctx) == {"customer-1"}
        retention.release_hold(ctx, hold.id)
        assert retention.held_subjects(ctx) == frozenset()
    assert _count(rt, LegalHold) == 1


def test_retention_cli(settings: Settings) -> None:
    schedule = imbplus(settings, "retention", "schedule")
    assert schedule.returncode == 0 and "auth.sessions" in schedule.stdout
    dry = imbplus(settings, "retention", "run", "--dry-run")
    assert dry.returncode == 0 and "dry run" in dry.stdout
    unknown = imbplus(settings, "retention", "run", "--rule", "nope")
    assert unknown.returncode == 2 and "no retention rule" in unknown.stderr
