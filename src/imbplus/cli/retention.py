from __future__ import annotations

import typer
from rich.table import Table

from imbplus.bounds import INT32_MAX
from imbplus.cli.common import console, once_over_all_hosts, ready_runtime, uuid_value
from imbplus.compliance import retention
from imbplus.compliance.retention_models import LegalHold
from imbplus.privacy.catalog import Purpose

app = typer.Typer(
    help="Retention schedule, purges with receipts, legal holds (P13).", no_args_is_help=True
)
holds = typer.Typer(
    help="Legal holds: nothing about the subject is purged while held.", no_args_is_help=True
)
app.add_typer(holds, name="hold")


@app.command("schedule")
def schedule_cmd() -> None:
    """Print the retention schedule: category, period, legal basis."""
    rt = ready_runtime()
    table = Table(title="Retention schedule")
    for col in ("rule", "category", "kept for", "legal basis", "what"):
        table.add_column(col)
    for rule in retention.schedule():
        period = rule.period(rt.settings)
        table.add_row(
            rule.name,
            rule.category.value,
            f"{period.days} days",
            rule.legal_basis,
            rule.description,
        )
    console.print(table)


@app.command("run")
def run_cmd(
    dry_run: bool = typer.Option(False, "--dry-run", help="Count only; delete nothing."),
    rule: str | None = typer.Option(None, help="Only this rule."),
) -> None:
    """Purge what is past its retention period; one receipt per rule."""
    rt = ready_runtime()
    with once_over_all_hosts(), console.status("applying retention rules..."):
        results = retention.run(rt, dry_run=dry_run, only=rule)
    table = Table(title="Retention run" + (" (dry run: nothing deleted)" if dry_run else ""))
    for col in ("rule", "category", "cutoff (UTC)", "records", "receipt"):
        table.add_column(col)
    for r in results:
        table.add_row(
            r.rule,
            r.category,
            r.cutoff.strftime("%Y-%m-%d %H:%M"),
            str(r.count),
            str(r.receipt_id or "-"),
        )
    console.print(table)


@holds.command("add")
def hold_add(
    subject: str = typer.Option(..., help="Customer id.", callback=uuid_value),
    reason: str = typer.Option(..., help="Why (case or request reference)."),
) -> None:
    rt = ready_runtime()
    with rt.job("cli", Purpose.LEGAL_OBLIGATION) as ctx:
        hold = retention.add_hold(ctx, subject, reason)
    console.print(f"legal hold {hold.id} added")


@holds.command("release")
def hold_release(hold_id: int = typer.Argument(..., min=1, max=INT32_MAX)) -> None:
    rt = ready_runtime()
    with rt.job("cli", Purpose.LEGAL_OBLIGATION) as ctx:
        retention.release_hold(ctx, hold_id)
    console.print(f"legal hold {hold_id} released")


@holds.command("list")
def hold_list() -> None:
    from sqlalchemy import select

    rt = ready_runtime()
    with rt.sessions() as s:
        rows = s.execute(select(LegalHold).where(LegalHold.released_at.is_(None))).scalars()
        table = Table(title="Active legal holds")
        for col in ("id", "subject", "reason", "since"):
            table.add_column(col)
        for h in rows:
            table.add_row(str(h.id), h.subject_id, h.reason, h.created_at.strftime("%Y-%m-%d"))
    console.print(table)
