from __future__ import annotations

import time

import typer

from imbplus.cli.common import console, ready_runtime
from imbplus.portal import mail

app = typer.Typer(help="Portal and survey e-mail waiting in the outbox.", no_args_is_help=True)


@app.command("send")
def send(
    watch: float = typer.Option(
        0, min=0, help="Keep running, looking for due messages every this many seconds."
    ),
    limit: int = typer.Option(200, min=1, max=10_000, help="Messages per round."),
) -> None:
    """Deliver the e-mails that are due to the SMTP relay (settings smtp_host, smtp_port);
    failed ones are retried later with a growing wait."""
    rt = ready_runtime()
    while True:
        while True:
            report = mail.deliver_due(rt, limit=limit)
            if report.sent or report.failed or report.cancelled:
                console.print(
                    f"sent {report.sent}, failed {report.failed}, cancelled {report.cancelled}"
                )
            if report.sent + report.failed + report.cancelled < limit:
                break
        if not watch:
            return
        time.sleep(watch)
