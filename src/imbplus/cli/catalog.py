from __future__ import annotations

import typer
from rich.table import Table

from imbplus.cli.common import console
from imbplus.models import load_all
from imbplus.privacy.catalog import CATEGORY_INFO, FIELDS, PURPOSE_DESCRIPTIONS


def register(app: typer.Typer) -> None:
    @app.command("catalog")
    def catalog(
        fields: bool = typer.Option(True, help="Also list the classification of every column."),
    ) -> None:
        """Print the data catalogue: purposes, categories and every stored field (P05)."""
        load_all()
        purposes = Table(title="Purposes (closed list)")
        purposes.add_column("purpose")
        purposes.add_column("what it is for")
        for p, text in PURPOSE_DESCRIPTIONS.items():
            purposes.add_row(p.value, text)
        console.print(purposes)
        cats = Table(title="Data categories")
        for col in ("category", "personal", "description"):
            cats.add_column(col)
        for c, info in CATEGORY_INFO.items():
            cats.add_row(c.value, "yes" if info.personal else "no", info.description)
        console.print(cats)
        if fields:
            table = Table(title="Stored fields")
            for col in ("table", "column", "category", "personal", "protection", "description"):
                table.add_column(col)
            for spec in sorted(FIELDS.values(), key=lambda f: (f.table, f.column)):
                table.add_row(
                    spec.table,
                    spec.column,
                    spec.category.value,
                    "yes" if spec.personal else "no",
                    spec.protection.value,
                    spec.description,
                )
            console.print(table)
