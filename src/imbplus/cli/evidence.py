from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import typer
from rich.progress import Progress
from rich.table import Table

import imbplus.app  # noqa: F401  (the live checks ask the web application)
from imbplus.cli.common import console, err_console, output_file, ready_runtime
from imbplus.cli.errors import fail
from imbplus.compliance import evidence
from imbplus.runtime import Runtime


def _iso_date(value: str | None) -> str | None:
    if value is not None:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise typer.BadParameter("not an ISO date (YYYY-MM-DD)") from None
    return value


def _history(rt: Runtime) -> None:
    with rt.sessions() as session:
        runs = evidence.history(rt, session, limit=1000)
    if not runs:
        console.print("no stored run yet")
        return
    table = Table(title="Stored evidence runs")
    for col in ("run", "at (UTC)", "passed", "failed", "not exercised", "signature"):
        table.add_column(col)
    for r in runs:
        signature = "[green]valid[/green]" if r.valid else "[red]does not verify[/red]"
        table.add_row(
            str(r.id),
            f"{r.at:%Y-%m-%d %H:%M}",
            str(r.passed),
            str(r.failed),
            str(r.not_exercised),
            signature,
        )
    console.print(table)
    bad = sum(not r.valid for r in runs)
    console.print(
        f"{len(runs)} stored runs"
        + (f"; [red]{bad} do not verify[/red] (not to be taken as evidence)" if bad else "")
    )


def register(app: typer.Typer) -> None:
    @app.command("evidence")
    def evidence_cmd(
        json_out: Path | None = typer.Option(
            None, "--json", help="Write the report as JSON.", callback=output_file
        ),
        html_out: Path | None = typer.Option(
            None, "--html", help="Write the report as HTML.", callback=output_file
        ),
        since: str | None = typer.Option(
            None,
            "--since",
            metavar="DATE",
            callback=_iso_date,
            help="Also show what changed since the last stored run on or before DATE "
            "(YYYY-MM-DD, UTC).",
        ),
        show_history: bool = typer.Option(
            False, "--history", help="List the stored runs and whether each signature holds."
        ),
    ) -> None:
        """Run the live checks of every clause (B04), keep the run signed; exit 1 if any
        fails or the audit checkpoint is missing or does not verify."""
        day = date.fromisoformat(since) if since else None
        rt = ready_runtime()
        if show_history:
            _history(rt)
            return
        problem = evidence.checkpoint_problem(rt)
        if problem is not None:
            fail(f"audit checkpoint: {problem}; see `imbplus audit verify`")
            raise typer.Exit(1)
        baseline = _baseline(rt, day) if day is not None else None
        with Progress(console=err_console, transient=True) as bar:
            task = bar.add_task("checking", total=len(evidence.checks()))
            report = evidence.run_all(rt, progress=lambda _name: bar.advance(task))
        _print_report(report)
        if day is not None:
            _print_changes(day, baseline, report)
        if json_out:
            json_out.write_text(json.dumps(report, indent=2))
        if html_out:
            html_out.write_text(evidence.render_html(report))
        summary = report["summary"]
        idle = summary["not_exercised"]
        console.print(
            f"{summary['passed']} of {summary['checks']} checks passed"
            + (f"; [yellow]{idle} not exercised[/yellow] (nothing to look at yet)" if idle else "")
        )
        if summary["failed"]:
            raise typer.Exit(1)


Baseline = tuple[int, datetime, bool, dict[str, Any]]


def _baseline(rt: Runtime, day: date) -> Baseline | None:
    """The last stored run on or before `day`: id, time, whether it verifies, report."""
    with rt.sessions() as session:
        row = evidence.run_on_or_before(session, day)
        if row is None:
            return None
        return (row.id, row.at, evidence.verifies(rt, row), json.loads(row.report))


def _print_report(report: dict[str, Any]) -> None:
    table = Table(title="Privacy evidence")
    for col in ("clause", "check", "result", "detail"):
        table.add_column(col)
    styles = {"pass": "green", "not_exercised": "yellow"}
    for c in report["checks"]:
        style = styles.get(c["status"], "red")
        status = c["status"].replace("_", " ")
        table.add_row(c["clause"], c["title"], f"[{style}]{status}[/{style}]", c["detail"])
    console.print(table)


def _print_changes(day: date, baseline: Baseline | None, report: dict[str, Any]) -> None:
    if baseline is None:
        console.print(f"no stored run on or before {day}: nothing to compare")
        return
    run_id, at, valid, before = baseline
    if not valid:
        console.print(
            f"[red]stored run {run_id} ({at:%Y-%m-%d %H:%M} UTC) does not verify[/red]: "
            "its signature does not hold, so it is not compared"
        )
        return
    found = evidence.changes(before, report)
    title = f"Changes since run {run_id} ({at:%Y-%m-%d %H:%M} UTC)"
    if not found:
        console.print(f"{title}: none")
        return
    table = Table(title=title)
    for col in ("clause", "check", "then → now"):
        table.add_column(col)
    for ch in found:
        if ch.then is None:
            change = f"new check → {ch.now.replace('_', ' ') if ch.now else '?'}"
        elif ch.now is None:
            change = f"{ch.then.replace('_', ' ')} → check removed"
        else:
            change = f"{ch.then.replace('_', ' ')} → {ch.now.replace('_', ' ')}"
        table.add_row(ch.clause, ch.title, change)
    console.print(table)
