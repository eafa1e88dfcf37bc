from __future__ import annotations

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table

from imbplus.cli.common import console, err_console, ready_runtime
from imbplus.privacy.catalog import Purpose
from imbplus.surveys import invitations, service

app = typer.Typer(help="Surveys (P19).", no_args_is_help=True)


@app.command("list")
def list_surveys() -> None:
    """Surveys with their status and number of responses."""
    rt = ready_runtime()
    with rt.sessions() as session:
        surveys = service.list_all(session)
        counts = service.response_counts(session)
    table = Table()
    table.add_column("id", no_wrap=True, min_width=36)
    for column in ("title", "audience", "status", "responses"):
        table.add_column(column)
    for s in surveys:
        table.add_row(s.id, s.title, s.audience, s.status, str(counts.get(s.id, 0)))
    console.print(table)


@app.command("invite")
def invite(
    survey_id: str = typer.Argument(..., help="Survey id (see `imbplus surveys list`)."),
    channel: str = typer.Option("email", help="portal (a notice in the portal) or email."),
) -> None:
    """Invite every eligible customer to an open survey. Customers who opted out of surveys,
    were invited on this channel already or answered are left out."""
    rt = ready_runtime()
    with (
        Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err_console,
            transient=True,  # a refusal inside leaves its one line, not a half-drawn bar
        ) as bar,
        rt.job("surveys", Purpose.MARKET_RESEARCH) as ctx,
    ):
        task = bar.add_task(f"inviting by {channel}", total=None)
        report = invitations.invite(
            ctx,
            survey_id,
            channel,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    console.print(f"invited {report.invited} customers by {channel}")
