from __future__ import annotations

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table

from imbplus.cli.common import console, err_console, ready_runtime
from imbplus.clock import us_to_datetime
from imbplus.privacy import audit as audit_log

app = typer.Typer(help="The tamper-evident audit log (P11).", no_args_is_help=True)


@app.command("verify")
def verify(quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar.")) -> None:
    """Check the whole hash chain and the checkpoint. Exit 0 intact, 1 broken."""
    rt = ready_runtime()
    with rt.sessions() as session:
        total = audit_log.count(session)
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err_console,
            disable=quiet,
        ) as bar:
            task = bar.add_task("verifying", total=total)
            result = audit_log.verify(
                session, rt.checkpoint, progress=lambda n: bar.advance(task, n)
            )
    if result.ok:
        console.print(f"audit chain intact: {result.records} records, head {result.head_seq}")
        return
    console.print(
        f"[red]audit chain BROKEN[/red] at record {result.first_bad_seq}: "
        f"{result.problem} ({result.records} records checked before it)"
    )
    raise typer.Exit(1)


@app.command("tail")
def tail(
    n: int = typer.Option(20, "-n", min=1, max=1000),
    subject: str | None = typer.Option(None, help="Only records about this customer id."),
) -> None:
    """Show the newest audit records."""
    rt = ready_runtime()
    with rt.sessions() as session:
        rows = audit_log.records(session, subject_id=subject, limit=n)
    table = Table()
    for col in (
        "seq",
        "when",
        "actor",
        "role",
        "purpose",
        "categories",
        "subject",
        "action",
        "result",
        "reason",
    ):
        table.add_column(col)
    for r in reversed(rows):
        table.add_row(
            str(r.seq),
            us_to_datetime(r.ts_us).strftime("%Y-%m-%d %H:%M:%S"),
            f"{r.actor_kind}:{r.actor_id}",
            r.actor_role,
            r.purpose,
            r.categories,
            r.subject_id or "",
            r.action,
            r.result,
            r.reason or "",
        )
    console.print(table)
