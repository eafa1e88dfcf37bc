from __future__ import annotations

import typer
from rich.table import Table

from imbplus.bounds import INT32_MAX
from imbplus.cli.common import console, ready_runtime
from imbplus.privacy import incidents
from imbplus.privacy.catalog import Purpose

app = typer.Typer(
    help="Breach detection, incidents and the 72-hour clock (B05).", no_args_is_help=True
)


@app.command("scan")
def scan() -> None:
    """Look for breach signals in the audit log; record new incidents (run it every few
    minutes from cron)."""
    rt = ready_runtime()
    with rt.job("incidents", Purpose.SECURITY) as ctx:
        created = incidents.scan(ctx)
        for i in created:
            console.print(f"[red]incident {i.id}[/red] {i.kind}: {i.summary}")
    console.print(f"{len(created)} new incident(s)")


@app.command("list")
def list_cmd(all_: bool = typer.Option(False, "--all", help="Include closed ones.")) -> None:
    rt = ready_runtime()
    with rt.job("incidents", Purpose.SECURITY) as ctx:
        rows = incidents.listing(ctx, include_closed=all_)
        table = Table(title="Incidents")
        for col in (
            "id",
            "detected (UTC)",
            "kind",
            "severity",
            "status",
            "notify within",
            "summary",
        ):
            table.add_column(col)
        for i in rows:
            left = (
                "notified"
                if i.authority_notified_at
                else ("OVERDUE" if incidents.overdue(i) else f"{incidents.hours_left(i)} h")
            )
            table.add_row(
                str(i.id),
                i.detected_at.strftime("%Y-%m-%d %H:%M"),
                i.kind,
                i.severity,
                i.status,
                left,
                i.summary,
            )
    console.print(table)


@app.command("update")
def update(
    incident_id: int = typer.Argument(..., min=1, max=INT32_MAX),
    status: str = typer.Option(..., help=f"One of: {', '.join(incidents.STATUSES)}."),
    note: str = typer.Option("", help="What was found or done."),
) -> None:
    rt = ready_runtime()
    with rt.job("incidents", Purpose.SECURITY) as ctx:
        incident = incidents.update(ctx, incident_id, status=status, note=note)
        console.print(f"incident {incident.id} is {incident.status}")
