from __future__ import annotations

import typer
from rich.table import Table
from sqlalchemy import func, select

from imbplus.cli.common import console, ready_runtime
from imbplus.compliance import retention
from imbplus.shipping.models import Shipment
from imbplus.shipping.purge import RULE

app = typer.Typer(help="Shipment records (P09, P13).", no_args_is_help=True)


@app.command("status")
def status() -> None:
    """Shipments by status, and how many are sealed."""
    rt = ready_runtime()
    with rt.unit_of_work() as s:
        rows = s.execute(
            select(Shipment.status, func.count(), func.count(Shipment.sealed_at))
            .group_by(Shipment.status)
            .order_by(Shipment.status)
        ).all()
    table = Table(title="Shipments")
    for col in ("status", "shipments", "sealed"):
        table.add_column(col, justify="right" if col != "status" else "left")
    for name, count, sealed in rows:
        table.add_row(name, str(count), str(sealed))
    console.print(table)


@app.command("purge")
def purge(dry_run: bool = typer.Option(False, "--dry-run", help="Only count what is due.")) -> None:
    """Delete sealed records whose retention ended (a receipt per record and per run);
    the same as `imbplus retention run --rule shipping.sealed_records`."""
    rt = ready_runtime()
    [result] = retention.run(rt, dry_run=dry_run, only=RULE)
    if dry_run:
        console.print(f"due for purge: {result.count} sealed shipments (dry run, nothing deleted)")
    else:
        console.print(f"purged {result.count} sealed shipments, receipt {result.receipt_id}")
