from __future__ import annotations

import json
from pathlib import Path

import typer
from jinja2 import Environment, FileSystemLoader, select_autoescape
from rich.progress import Progress
from rich.table import Table

from imbplus.cli.common import console, err_console, output_file, ready_runtime
from imbplus.privacy import evidence
from imbplus.web.pages import templates_dir


def register(app: typer.Typer) -> None:
    @app.command("evidence")
    def evidence_cmd(
        json_out: Path | None = typer.Option(
            None, "--json", help="Write the report as JSON.", callback=output_file
        ),
        html_out: Path | None = typer.Option(
            None, "--html", help="Write the report as HTML.", callback=output_file
        ),
    ) -> None:
        """Run the live checks of every clause (B04); exit 1 if any fails."""
        rt = ready_runtime()
        with Progress(console=err_console, transient=True) as bar:
            task = bar.add_task("checking", total=len(evidence.checks()))
            report = evidence.run_all(rt, progress=lambda _name: bar.advance(task))
        table = Table(title="Privacy evidence")
        for col in ("clause", "check", "result", "detail"):
            table.add_column(col)
        styles = {"pass": "green", "not_exercised": "yellow"}
        for c in report["checks"]:
            style = styles.get(c["status"], "red")
            status = c["status"].replace("_", " ")
            table.add_row(c["clause"], c["title"], f"[{style}]{status}[/{style}]", c["detail"])
        console.print(table)
        if json_out:
            json_out.write_text(json.dumps(report, indent=2))
        if html_out:
            env = Environment(
                loader=FileSystemLoader(str(templates_dir())),
                autoescape=select_autoescape(["html"]),
            )
            html_out.write_text(env.get_template("evidence/report.html").render(report=report))
        summary = report["summary"]
        idle = summary["not_exercised"]
        console.print(
            f"{summary['passed']} of {summary['checks']} checks passed"
            + (f"; [yellow]{idle} not exercised[/yellow] (nothing to look at yet)" if idle else "")
        )
        if summary["failed"]:
            raise typer.Exit(1)
