"""Console page of the evidence report (B04), for the DPO and administrators."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, BackgroundTasks, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from imbplus.bounds import RowId
from imbplus.compliance import evidence
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Category, Purpose
from imbplus.privacy.clauses import CLAUSES
from imbplus.web import menu
from imbplus.web.deps import Db, get_runtime
from imbplus.web.guards import STAFF_PAGES
from imbplus.web.pages import User, console_context, page_guard, render

router = APIRouter(prefix="/console/evidence", include_in_schema=False, dependencies=STAFF_PAGES)
PAGE = menu.page(
    "evidence", "/console/evidence", {Category.REFERENCE}, serves={Purpose.SECURITY}, order=170
)

BAR_W, GAP, CHART_H = 10, 3, 40  # the inline SVG chart, in px


def _ctx(request: Request, session: Db, user: User) -> Context:
    # the purpose the member of staff chose is the one every read here records
    return console_context(request, session, user)


@dataclass(frozen=True)
class Bar:
    """One stored run's checks of one clause, as a stacked bar of the chart."""

    run_id: int
    at: str
    valid: bool
    passed: int
    failed: int
    idle: int
    x: int
    heights: tuple[int, int, int]  # pass, fail, not exercised, in px


@dataclass(frozen=True)
class ClauseHistory:
    clause: str
    text: str
    bars: list[Bar]
    width: int


def _per_clause(runs: list[evidence.StoredRun]) -> list[ClauseHistory]:
    clauses = sorted({key.split("\x1f", 1)[0] for r in runs for key in r.statuses})
    out = []
    for clause in clauses:
        counts = []
        for r in runs:
            mine = [s for key, s in r.statuses.items() if key.split("\x1f", 1)[0] == clause]
            passed = sum(s == "pass" for s in mine)
            idle = sum(s == "not_exercised" for s in mine)
            counts.append((r, passed, len(mine) - passed - idle, idle))
        top = max((p + f + i for _r, p, f, i in counts), default=0) or 1
        bars = []
        for n, (r, p, f, i) in enumerate(counts):
            heights = tuple(round(CHART_H * v / top) for v in (p, f, i))
            bars.append(
                Bar(
                    r.id,
                    f"{r.at:%Y-%m-%d %H:%M}",
                    r.valid,
                    p,
                    f,
                    i,
                    n * (BAR_W + GAP),
                    (heights[0], heights[1], heights[2]),
                )
            )
        width = max(len(bars) * (BAR_W + GAP) - GAP, BAR_W)
        out.append(ClauseHistory(clause, CLAUSES.get(clause, ""), bars, width))
    return out


@router.get("", dependencies=[page_guard(PAGE)])
def show(request: Request, session: Db, user: User, started: bool = False) -> Response:
    report = evidence.read_report(_ctx(request, session, user))
    runs = evidence.history(get_runtime(request), session)
    return render(
        request,
        "console/evidence.html",
        user=user,
        report=report,
        latest_valid=bool(runs) and runs[-1].valid,
        started=started,
        runs=list(reversed(runs)),
        clauses=_per_clause(runs),
        bar_w=BAR_W,
        chart_h=CHART_H,
    )


@router.get("/runs/{run_id}")
def stored_run(request: Request, session: Db, user: User, run_id: RowId) -> Response:
    """The HTML kept with a stored run; only when its signature holds."""
    evidence.read_report(_ctx(request, session, user))  # same permission as reading
    found = evidence.stored_html(get_runtime(request), session, run_id)
    if found is None:
        raise HTTPException(404, "no such run")
    row, valid = found
    if not valid or row.html is None:
        return render(
            request, "console/evidence_run.html", status_code=409, user=user, run_id=run_id
        )
    return HTMLResponse(row.html, headers={"content-security-policy": _csp_for(row.html)})


def _csp_for(html: str) -> str:
    """The site's policy, plus the stored report's own inline styles by their hashes: the
    report is one self-contained file (as it is signed), and nothing else inline runs."""
    import base64
    import hashlib
    import re

    from imbplus.web.middleware import CSP

    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() + "'"
        for style in re.findall(r"<style>(.*?)</style>", html, flags=re.S)
    ]
    return CSP.replace("style-src 'self'", " ".join(["style-src 'self'", *hashes]))


@router.post("")
def run(
    request: Request,
    session: Db,
    user: User,
    tasks: BackgroundTasks,
) -> Response:
    evidence.read_report(_ctx(request, session, user))  # same permission as reading
    # The checks use their own units of work; they run once this request has committed.
    tasks.add_task(evidence.run_all, get_runtime(request))
    return RedirectResponse("/console/evidence?started=1", status_code=303)
