from __future__ import annotations

import typer
from rich.table import Table

from imbplus.cli.common import console, ready_runtime
from imbplus.devices import service
from imbplus.devices.schemas import DeviceCreate, DeviceLookup
from imbplus.privacy.catalog import Purpose

app = typer.Typer(help="Set-top boxes: registry and device tokens (P02).", no_args_is_help=True)


@app.command("add")
def add(
    serial: str = typer.Option(..., help="e.g. SGM2611000123"),
    mac: str = typer.Option(..., help="e.g. 00:1A:2B:3C:4D:5E"),
    model: str = typer.Option("IMB-4K-100"),
    firmware: str = typer.Option("4.2.3"),
) -> None:
    """Register a box (in stock)."""
    rt = ready_runtime()
    with rt.job("devices_cli", Purpose.SERVICE_DELIVERY) as ctx:
        device = service.register(
            ctx, DeviceCreate(serial=serial, mac=mac, model=model, firmware=firmware)
        )
    console.print(f"registered {device.serial} ({device.mac}) as {device.id}")


@app.command("token")
def token(serial: str = typer.Argument(..., help="Serial number of the box.")) -> None:
    """Issue a new telemetry token (printed alone on the last line); older ones stop working."""
    rt = ready_runtime()
    with rt.job("devices_cli", Purpose.SERVICE_DELIVERY) as ctx:
        found = service.lookup(ctx, DeviceLookup(serial=serial))
        if not found:
            raise typer.BadParameter("no box with this serial number")
        issued = service.issue_token(ctx, found[0].id)
    console.print(f"token for {serial} (shown once; only its hash is stored):")
    print(issued.token)


@app.command("list")
def list_cmd(limit: int = typer.Option(20, min=1, max=100)) -> None:
    """The first boxes of the registry."""
    rt = ready_runtime()
    with rt.job("devices_cli", Purpose.SERVICE_DELIVERY) as ctx:
        page = service.list_page(ctx, limit=limit)
    table = Table()
    for col in ("serial", "mac", "model", "firmware", "status", "region", "last seen"):
        table.add_column(col)
    for d in page.items:
        table.add_row(
            d.serial,
            d.mac,
            d.model,
            d.firmware,
            d.status,
            d.region or "",
            d.last_seen_at.strftime("%Y-%m-%d %H:%M") if d.last_seen_at else "",
        )
    console.print(table)
