from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import typer
from rich.table import Table

from imbplus.cli.common import console, output_file
from imbplus.compliance import ropa
from imbplus.privacy.access import Gate
from imbplus.settings import load_settings


def register(app: typer.Typer) -> None:
    @app.command("ropa")
    def ropa_cmd(
        json_out: Path | None = typer.Option(
            None, "--json", help="Also write it as JSON.", callback=output_file
        ),
    ) -> None:
        """Record of processing activities (GDPR art. 30), generated from the code (B03)."""
        activities = ropa.build(Gate(), load_settings())
        table = Table(title=f"Record of processing activities — controller: {ropa.CONTROLLER}")
        for col in ("purpose", "data categories", "data subjects", "who processes", "retention"):
            table.add_column(col, overflow="fold")
        for a in activities:
            table.add_row(
                f"{a.purpose.value}\n{a.description}",
                ", ".join(a.categories) or "-",
                ", ".join(a.data_subjects) or "-",
                ", ".join(a.recipients) or "-",
                "\n".join(a.retention) or "see the retention schedule",
            )
        console.print(table)
        console.print(f"Security measures: {ropa.MEASURES}")
        if json_out:
            json_out.write_text(
                json.dumps(
                    {
                        "controller": ropa.CONTROLLER,
                        "measures": ropa.MEASURES,
                        "activities": [
                            {**asdict(a), "purpose": a.purpose.value} for a in activities
                        ],
                    },
                    indent=2,
                )
            )
