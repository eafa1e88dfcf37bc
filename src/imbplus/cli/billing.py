from __future__ import annotations

import typer
from rich.table import Table

from imbplus.billing import payments
from imbplus.cli.common import console, once_over_all_hosts, ready_runtime
from imbplus.cli.common_progress import progress_bar
from imbplus.clock import clock
from imbplus.runtime import Runtime
from imbplus.shop import billing_run

app = typer.Typer(
    help="Monthly billing and charge retries (P03 billing, P20).", no_args_is_help=True
)


@app.command("run")
def run(
    month: str = typer.Option(
        None, "--month", help="Month to bill, YYYY-MM (default: the current month)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Invoice every active subscription for the month and charge saved cards.

    Safe to run again: a month already invoiced is never billed twice."""
    rt = ready_runtime()
    month = month or clock.now().strftime("%Y-%m")
    billing_run.month_bounds(month)  # validates before any work
    ids = billing_run.due_subscriptions(rt, month)
    with once_over_all_hosts(), progress_bar(quiet) as bar:
        task = bar.add_task(f"billing {month}", total=len(ids))
        report = billing_run.run_month(rt, month, advance=lambda n: bar.advance(task, n))
    table = Table(title=f"Billing run {month}")
    table.add_column("")
    table.add_column("subscriptions", justify="right")
    for label, value in (
        ("active subscriptions", report.subscriptions),
        ("invoiced now", report.invoiced),
        ("already invoiced (skipped)", report.already_billed),
        ("customer not active (skipped)", report.not_active),
        ("charged and paid", report.paid),
        ("charge declined (retry scheduled)", report.declined),
        ("no saved card (invoice to pay)", report.no_card),
    ):
        table.add_row(label, str(value))
    console.print(table)
    _say_if_sandbox(rt)


@app.command("retry")
def retry(quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar.")) -> None:
    """Charge again the unpaid invoices whose retry time has come."""
    rt = ready_runtime()
    with once_over_all_hosts(), progress_bar(quiet) as bar:
        task = bar.add_task("retrying charges", total=None)
        report = billing_run.retry_failed(rt, advance=lambda n: bar.advance(task, n))
    console.print(
        f"retries due: {report.due}, paid: {report.paid}, declined again: {report.declined}"
    )
    _say_if_sandbox(rt)


def _say_if_sandbox(rt: Runtime) -> None:
    if payments.provider(rt).sandbox:
        console.print(
            "payment provider: the sandbox (IMBPLUS_PAYMENT_ADAPTER); no card left this "
            "machine and nothing was really charged; its hand-overs are recorded as sandboxed",
            soft_wrap=True,
        )
