"""The evidence report (B04): every clause linked to live checks against the running system.

Checks are registered per clause in modules listed in CHECK_MODULES. A check looks at the
live system (database, files, the web application) and never at a personal value; it
returns pass or fail with a sentence and figures. `imbplus evidence` and the DPO console
page run them and keep each run.
"""

from __future__ import annotations

import importlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from imbplus.clock import clock
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category, Purpose
from imbplus.privacy.clauses import CLAUSES
from imbplus.privacy.evidence_models import EvidenceRun
from imbplus.runtime import Runtime


@dataclass
class Outcome:
    passed: bool
    detail: str
    figures: dict[str, Any] = field(default_factory=dict)
    exercised: bool = True  # False: nothing to look at yet; never counted as a pass


def not_exercised(detail: str, figures: dict[str, Any] | None = None) -> Outcome:
    """A check that found nothing to look at: a status of its own, never a pass (an empty
    pass would tell the DPO a promise holds where nothing showed it)."""
    return Outcome(False, f"not exercised: {detail}", figures or {}, exercised=False)


STATUSES = ("pass", "fail", "error", "not_exercised")


@dataclass(frozen=True)
class Check:
    clause: str
    title: str
    run: Callable[[Runtime], Outcome]


@dataclass
class CheckResult:
    clause: str
    clause_text: str
    title: str
    status: str  # pass | fail | error
    detail: str
    figures: dict[str, Any]
    seconds: float


_CHECKS: list[Check] = []
CHECK_MODULES = [
    "imbplus.privacy.evidence_checks",
    "imbplus.devices.evidence",
    "imbplus.traffic.evidence",
    "imbplus.site.evidence",
    "imbplus.surveys.evidence",
    "imbplus.shipping.evidence",
    "imbplus.backup.evidence",
    "imbplus.staff.evidence",
]


def register(
    clause: str, title: str
) -> Callable[[Callable[[Runtime], Outcome]], Callable[[Runtime], Outcome]]:
    if clause not in CLAUSES:
        raise ValueError(f"unknown clause {clause}")

    def wrap(fn: Callable[[Runtime], Outcome]) -> Callable[[Runtime], Outcome]:
        _CHECKS.append(Check(clause, title, fn))
        return fn

    return wrap


def checks() -> list[Check]:
    for module in CHECK_MODULES:
        importlib.import_module(module)
    return sorted(_CHECKS, key=lambda c: (c.clause, c.title))


def run_all(rt: Runtime, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    results = []
    for check in checks():
        started = time.perf_counter()
        try:
            outcome = check.run(rt)
            status = (
                "not_exercised" if not outcome.exercised else "pass" if outcome.passed else "fail"
            )
        except Exception as exc:  # a broken check is reported, not hidden
            outcome = Outcome(False, f"the check itself failed: {type(exc).__name__}")
            status = "error"
        results.append(
            CheckResult(
                check.clause,
                CLAUSES[check.clause],
                check.title,
                status,
                outcome.detail,
                outcome.figures,
                round(time.perf_counter() - started, 3),
            )
        )
        if progress:
            progress(check.title)
    covered = sorted({r.clause for r in results})
    passed = sum(r.status == "pass" for r in results)
    idle = sum(r.status == "not_exercised" for r in results)
    failed = len(results) - passed - idle
    report: dict[str, Any] = {
        "generated_at": clock.now().isoformat(),
        "summary": {
            "checks": len(results),
            "passed": passed,
            "failed": failed,
            "not_exercised": idle,
            "clauses_covered": covered,
            "clauses_without_checks": [c for c in CLAUSES if c not in covered],
        },
        "checks": [asdict(r) for r in results],
    }
    with rt.job("evidence", Purpose.SECURITY) as ctx:
        ctx.session.add(
            EvidenceRun(
                at=clock.now(),
                passed=passed,
                failed=failed,
                report=json.dumps(report),
            )
        )
        ctx.note(
            "evidence.run",
            reason=f"passed={passed} failed={failed} not_exercised={idle}",
        )
    return report


def latest(session: Session) -> dict[str, Any] | None:
    row = session.execute(select(EvidenceRun).order_by(EvidenceRun.id.desc()).limit(1)).scalar()
    return json.loads(row.report) if row else None


def read_report(ctx: Context) -> dict[str, Any] | None:
    """The latest report, for staff allowed to see evidence (no personal data in it)."""
    ctx.check(Action.READ, {Category.REFERENCE}, operation="evidence.read")
    return latest(ctx.session)
