"""The evidence report (B04): every clause linked to live checks against the running system.

Checks are declared per clause by the domains (`imbplus.privacy.checks`, in the modules each
domain's plugin names). `imbplus evidence` and the DPO console page run them all, keep each
run signed with the commit, time and settings, and show what changed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from imbplus.clock import clock
from imbplus.compliance.evidence_models import EvidenceRun
from imbplus.privacy.access import Context
from imbplus.privacy.audit_checkpoint import CheckpointError
from imbplus.privacy.catalog import Action, Category, Purpose
from imbplus.privacy.checks import (  # the checks' API, for callers of the report
    _CHECKS,
    Check,
    CheckFn,
    Outcome,
    checks,
    not_exercised,
    register,
)
from imbplus.privacy.clauses import CLAUSES
from imbplus.runtime import Runtime
from imbplus.settings import Settings

STATUSES = ("pass", "fail", "error", "not_exercised")


@dataclass
class CheckResult:
    clause: str
    clause_text: str
    title: str
    status: str  # pass | fail | error
    detail: str
    figures: dict[str, Any]
    seconds: float


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
        "commit": commit(),
        "settings": settings_in_use(rt),
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
    store(rt, report, passed=passed, failed=failed, idle=idle)
    return report


# -- stored runs: signed, anchored in the audit chain, compared --------------------------

SIGNATURE_FORMAT = "imbplus-evidence-run/1"
_SEP = b"\x1f"


def digest_of(report_json: str) -> str:
    return hashlib.sha256(report_json.encode()).hexdigest()


def _signature(key: bytes, report_json: str, html: str) -> str:
    """HMAC-SHA256 over the stored JSON and the stored HTML (neither can change alone)."""
    message = _SEP.join(
        [SIGNATURE_FORMAT.encode(), report_json.encode(), hashlib.sha256(html.encode()).digest()]
    )
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def render_html(report: dict[str, Any]) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from imbplus.web.pages import templates_dir

    env = Environment(
        loader=FileSystemLoader(str(templates_dir())), autoescape=select_autoescape(["html"])
    )
    return env.get_template("evidence/report.html").render(report=report)


def store(rt: Runtime, report: dict[str, Any], *, passed: int, failed: int, idle: int) -> None:
    """Keep the run: the exact JSON, its HTML, and a signature under the audit signing key
    (the checkpoint's own key, loaded by its code); the audit chain records the JSON's
    digest, so a stored run cannot be swapped for another without the chain showing it.
    Without a readable key the run is kept unsigned, and is shown as not verifying."""
    report_json = json.dumps(report)
    html = render_html(report)
    try:
        signature: str | None = _signature(rt.checkpoint.key, report_json, html)
    except CheckpointError:
        signature = None
    digest = digest_of(report_json)
    with rt.job("evidence", Purpose.SECURITY) as ctx:
        run = EvidenceRun(
            at=clock.now(),
            passed=passed,
            failed=failed,
            not_exercised=idle,
            report=report_json,
            html=html,
            signature=signature,
        )
        ctx.session.add(run)
        ctx.session.flush()
        ctx.note(
            "evidence.run",
            subject=f"evidence_run:{run.id}",
            reason=f"passed={passed} failed={failed} not_exercised={idle} sha256={digest}",
        )


def verifies(rt: Runtime, run: EvidenceRun) -> bool:
    """The stored run's signature holds under the audit signing key."""
    if not run.signature or run.html is None:
        return False
    try:
        key = rt.checkpoint.key
    except CheckpointError:
        return False
    return hmac.compare_digest(run.signature, _signature(key, run.report, run.html))


@dataclass(frozen=True)
class StoredRun:
    id: int
    at: datetime
    passed: int
    failed: int
    not_exercised: int
    valid: bool
    statuses: dict[str, str]  # "clause title" -> status, read only from a valid run


def _statuses(run: EvidenceRun) -> dict[str, str]:
    try:
        doc = json.loads(run.report)
        return {f"{c['clause']}\x1f{c['title']}": str(c["status"]) for c in doc["checks"]}
    except (ValueError, KeyError, TypeError):
        return {}


def history(rt: Runtime, session: Session, limit: int = 50) -> list[StoredRun]:
    """The newest stored runs, oldest first, each with whether its signature holds. The
    figures of a run that does not verify are shown as they are stored, never its checks."""
    rows = list(
        session.execute(select(EvidenceRun).order_by(EvidenceRun.id.desc()).limit(limit)).scalars()
    )
    out = []
    for row in reversed(rows):
        valid = verifies(rt, row)
        out.append(
            StoredRun(
                row.id,
                row.at,
                row.passed,
                row.failed,
                row.not_exercised or 0,
                valid,
                _statuses(row) if valid else {},
            )
        )
    return out


def run_on_or_before(session: Session, day: date) -> EvidenceRun | None:
    """The last stored run made on or before this (UTC) date."""
    end = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(days=1)
    return session.execute(
        select(EvidenceRun).where(EvidenceRun.at < end).order_by(EvidenceRun.id.desc()).limit(1)
    ).scalar()


@dataclass(frozen=True)
class Change:
    clause: str
    title: str
    then: str | None  # None: the check is new
    now: str | None  # None: the check was removed


def changes(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """Per check, status then -> now; checks new since, and checks gone."""
    then = {(c["clause"], c["title"]): c["status"] for c in before.get("checks", [])}
    now = {(c["clause"], c["title"]): c["status"] for c in after.get("checks", [])}
    out = []
    for key in sorted(then.keys() | now.keys()):
        if then.get(key) != now.get(key):
            out.append(Change(key[0], key[1], then.get(key), now.get(key)))
    return out


def stored_html(rt: Runtime, session: Session, run_id: int) -> tuple[EvidenceRun, bool] | None:
    row = session.get(EvidenceRun, run_id)
    return (row, verifies(rt, row)) if row is not None else None


def checkpoint_problem(rt: Runtime) -> str | None:
    """Why the audit checkpoint cannot be trusted (missing, unreadable, signature off), as
    `imbplus audit verify` finds it; None when it is there and signed by the key."""
    try:
        rt.checkpoint.mark()
    except CheckpointError as bad:
        return str(bad)
    return None


@lru_cache(maxsize=1)
def commit() -> dict[str, str]:
    """The code that ran: `git describe` in a checkout, else the installed version."""
    here = Path(__file__).resolve().parent
    try:
        top = _git(here, "rev-parse", "--show-toplevel")
        if top and (Path(top) / "src" / "imbplus").resolve() == here.parent:
            revision = _git(here, "rev-parse", "HEAD")
            described = _git(here, "describe", "--always", "--dirty")
            if revision:
                return {"source": "git", "revision": revision, "describe": described or revision}
    except (OSError, subprocess.SubprocessError):
        pass
    from importlib.metadata import PackageNotFoundError, version

    try:
        return {"source": "package", "version": version("imbplus")}
    except PackageNotFoundError:
        return {"source": "unknown", "version": "unknown"}


def _git(cwd: Path, *args: str) -> str | None:
    git = shutil.which("git")
    if git is None:
        return None
    done = subprocess.run(  # noqa: S603 - fixed arguments, no user input
        [git, *args], cwd=cwd, capture_output=True, text=True, timeout=5, check=False
    )
    return done.stdout.strip() if done.returncode == 0 else None


def _place(path: Path, settings: Settings) -> str:
    """Where a file lies relative to the data dir, without naming host paths."""
    try:
        return str(path.resolve().relative_to(settings.data_dir.resolve()))
    except ValueError:
        return "outside the data dir"


def settings_in_use(rt: Runtime) -> dict[str, Any]:
    """The settings a run ran under: kinds and layout only, never secrets or URLs."""
    s = rt.settings
    return {
        "backend": rt.engine.dialect.name,
        "adapters": {
            "payment": s.payment_adapter,
            "carrier": s.carrier_adapter,
            "sms": s.sms_adapter,
        },
        "processors": {
            "payment": s.payment_processor,
            "carrier": s.carrier_processor,
            "sms": s.sms_processor,
            "mail": s.mail_processor,
        },
        "allow_sandbox": s.allow_sandbox,
        "data_dir_layout": {
            "database": "database server" if s.database_url else "imbplus.db",
            "master_key": _place(s.key_file, s),
            "audit_signing_key": _place(s.audit_key_file, s),
            "audit_checkpoint": _place(s.checkpoint_file, s),
            "backups": _place(s.backup_root, s),
            "telemetry": _place(s.telemetry_root, s),
        },
    }


def latest(session: Session) -> dict[str, Any] | None:
    row = session.execute(select(EvidenceRun).order_by(EvidenceRun.id.desc()).limit(1)).scalar()
    return json.loads(row.report) if row else None


def read_report(ctx: Context) -> dict[str, Any] | None:
    """The latest report, for staff allowed to see evidence (no personal data in it)."""
    ctx.check(Action.READ, {Category.REFERENCE}, operation="evidence.read")
    return latest(ctx.session)


__all__ = [
    "STATUSES",
    "_CHECKS",
    "Check",
    "CheckFn",
    "CheckResult",
    "Outcome",
    "checks",
    "not_exercised",
    "register",
    "run_all",
]
