from __future__ import annotations

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TimeRemainingColumn

from imbplus.cli.common import console, err_console, ready_runtime
from imbplus.traffic import retention

app = typer.Typer(help="The request log and traffic statistics (P21).", no_args_is_help=True)


@app.command("purge")
def purge(
    dry_run: bool = typer.Option(False, "--dry-run", help="Count what would go; delete nothing."),
) -> None:
    """Apply retention: full addresses after request_log_ip_days (7), masked lines after
    request_log_masked_months (13). Audited; safe to run again (schedule it daily)."""
    rt = ready_runtime()
    tasks: dict[str, TaskID] = {}
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
    ) as bar:

        def progress(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(phase, total=total)
            bar.update(tasks[phase], completed=done, total=total)

        report = retention.purge(rt, dry_run=dry_run, progress=progress)
    verb = "would delete" if dry_run else "deleted"
    console.print(
        f"{verb} {report.full_ip} full-address lines (before "
        f"{report.full_cutoff:%Y-%m-%d %H:%M} UTC) and {report.masked} masked lines (before "
        f"{report.masked_cutoff}); {report.limit_hits} old rate-limit counters"
    )
