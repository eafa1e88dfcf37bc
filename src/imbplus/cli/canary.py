"""`imbplus canary plant | status`: the P05 canary subject (compliance/canary.py)."""

from __future__ import annotations

import typer

import imbplus.app  # noqa: F401  (the live checks ask the web application)
from imbplus.cli.common import console, ready_runtime
from imbplus.compliance import canary

app = typer.Typer(help="The canary subject that the P05 evidence check scans every store for.")


@app.command("plant")
def plant_cmd() -> None:
    """Plant the canary through the normal services (once; again does only what is missing)."""
    rt = ready_runtime()
    try:
        result = canary.plant(rt)
    finally:
        rt.dispose()
    console.print(f"canary customer {result.customer_id} ({canary.EMAIL})")
    for step in result.done:
        console.print(f"  planted: {step}")
    for step in result.skipped:
        console.print(f"  [yellow]not planted[/yellow]: {step}")
    if not result.done and not result.skipped:
        console.print("  already planted; nothing to do")


@app.command("status")
def status_cmd() -> None:
    """Whether the canary is planted (the evidence report scans for it)."""
    rt = ready_runtime()
    try:
        found = canary.customer_id(rt)
    finally:
        rt.dispose()
    if found is None:
        console.print("no canary planted; run `imbplus canary plant`")
        raise typer.Exit(1)
    console.print(f"canary customer {found} ({canary.EMAIL})")
