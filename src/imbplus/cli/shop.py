from __future__ import annotations

import typer
from rich.table import Table

from imbplus.cli.common import console, ready_runtime
from imbplus.money import pln
from imbplus.shop import catalog

app = typer.Typer(help="Product catalogue.", no_args_is_help=True)


@app.command("products")
def products() -> None:
    """The catalogue: set-top boxes and packages, gross prices with VAT."""
    rt = ready_runtime()
    with rt.unit_of_work() as session:
        items = catalog.list_products(session)
    table = Table(title="Products")
    for col in ("id", "kind", "name", "price (gross)", "VAT"):
        table.add_column(col)
    for p in items:
        price = pln(p.price_gross) + (" / month" if p.kind == "package" else "")
        table.add_row(p.id, p.kind, p.name, price, f"{p.vat_rate_bp / 100:g}%")
    console.print(table)


@app.command("load-catalogue")
def load_catalogue() -> None:
    """Load (or refresh) the default catalogue."""
    rt = ready_runtime()
    with rt.unit_of_work() as session:
        n = catalog.load_default(session)
    console.print(f"catalogue: {n} products")
