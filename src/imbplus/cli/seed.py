from __future__ import annotations

import typer

from imbplus.cli.common import console, phases, ready_runtime
from imbplus.demo import boxes as seeding


def register(app: typer.Typer) -> None:
    @app.command("seed")
    def seed(
        devices: int = typer.Option(
            2000,
            "--devices",
            min=1,
            max=1_000_000,
            help="Boxes in the registry afterwards (tops up; never removes).",
        ),
        days: int = typer.Option(30, "--days", min=1, max=365, help="Days of activity."),
        random_seed: int = typer.Option(
            2026, "--seed", min=0, max=2**32 - 1, help="Random seed (repeatable data)."
        ),
    ) -> None:
        """Boxes assigned to fictitious customers, and D days of realistic activity."""
        rt = ready_runtime()
        with phases() as advance:
            report = seeding.seed(rt, devices, days, advance, seed=random_seed)
        console.print(
            f"boxes created {report.devices_created}, customers created "
            f"{report.customers_created}, events {report.events:,} over {report.days} days"
        )
