from __future__ import annotations

import typer

from imbplus.cli.common import console, ready_runtime
from imbplus.cli.common_progress import progress_bar
from imbplus.shipping import purge as shipment_purge

app = typer.Typer(help="Shipment records (P09, P13).", no_args_is_help=True)


@app.command("purge")
def purge(
    dry_run: bool = typer.Option(False, "--dry-run", help="Only count what is due."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Delete sealed shipment records whose retention period ended (with receipts)."""
    rt = ready_runtime()
    due = shipment_purge.due(rt)
    with progress_bar(quiet or dry_run) as bar:
        task = bar.add_task("purging sealed shipments", total=due)
        report = shipment_purge.purge(rt, dry_run=dry_run, advance=lambda n: bar.advance(task, n))
    if dry_run:
        console.print(f"due for purge: {report.due} sealed shipments (dry run, nothing deleted)")
        return
    console.print(
        f"purged {report.purged} sealed shipments (receipts kept), "
        f"retention keys destroyed: {report.keys_destroyed}"
    )
