from __future__ import annotations

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress

from imbplus.cli.common import console, err_console, ready_runtime
from imbplus.site import mail

app = typer.Typer(help="The public site: its outgoing e-mail.", no_args_is_help=True)


@app.command("send-mail")
def send_mail(
    limit: int = typer.Option(500, min=1, max=100_000, help="Most messages in this run."),
) -> None:
    """Send the e-mails that are due (policy notices, answers to privacy questions)."""
    rt = ready_runtime()
    due = min(mail.due_count(rt), limit)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        console=err_console,
    ) as bar:
        task = bar.add_task("sending", total=due)
        report = mail.deliver(rt, limit=limit, advance=lambda n: bar.advance(task, n))
    console.print(
        f"sent {report.sent}, failed {report.failed} (will retry), dropped {report.dropped}, "
        f"still pending {report.pending}"
    )
    rt.dispose()
    if report.failed:
        raise typer.Exit(1)
