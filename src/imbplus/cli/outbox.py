from __future__ import annotations

import time

import typer
from rich.progress import Progress, TaskID
from rich.table import Table

from imbplus.cli.common import console, ready_runtime
from imbplus.cli.common_progress import progress_bar
from imbplus.notify import outbox, worker
from imbplus.privacy.catalog import Purpose

app = typer.Typer(help="Notification outbox: e-mail and SMS (P08).", no_args_is_help=True)


@app.command("run")
def run(
    loop: bool = typer.Option(False, "--loop", help="Keep running, polling for new messages."),
    interval: float = typer.Option(
        5.0, min=0.1, max=86_400, help="Seconds between polls with --loop."
    ),
    limit: int = typer.Option(500, min=1, max=100_000, help="Messages per pass."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Send what is due; failed sends are retried later with a doubling backoff."""
    rt = ready_runtime()
    senders = worker.default_senders(rt)
    sandboxes = [kind for kind, s in (("e-mail", senders.email), ("SMS", senders.sms)) if s.sandbox]
    if sandboxes:
        console.print(
            f"sandbox adapter for {', '.join(sandboxes)}: such messages never leave this "
            "machine and are recorded as sandboxed, not sent",
            soft_wrap=True,
        )
    while True:
        due = len(worker.due_ids(rt, limit))
        with progress_bar(quiet or due == 0) as bar:
            task = bar.add_task("sending", total=due)

            def advance(n: int, task: TaskID = task, bar: Progress = bar) -> None:
                bar.advance(task, n)

            report = worker.run_once(rt, senders, limit=limit, advance=advance)
        changed = report.sent or report.sandboxed or report.failed
        if changed or report.dropped or report.cancelled or not loop:
            why = "; ".join(f"{kind} ×{n}" for kind, n in report.errors.most_common(3))
            console.print(
                f"sent {report.sent}, failed {report.failed} (will retry"
                + (f": {why}" if why else "")
                + "), "
                f"sandboxed {report.sandboxed} (nothing left this machine), "
                f"dropped {report.dropped} (recipient erased), "
                f"cancelled {report.cancelled} (withdrawn), "
                f"taken by another run {report.elsewhere}, pending {report.pending}"
            )

        if not loop:
            return
        time.sleep(interval)


@app.command("status")
def status() -> None:
    """Messages by status and channel."""
    rt = ready_runtime()
    with rt.job("outbox", Purpose.SECURITY) as ctx:
        found = outbox.counts(ctx)
    table = Table(title="Outbox")
    table.add_column("status/channel")
    table.add_column("messages", justify="right")
    for key, n in sorted(found.items()):
        table.add_row(key, str(n))
    console.print(table)
