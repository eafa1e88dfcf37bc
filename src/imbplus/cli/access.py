from __future__ import annotations

from collections import defaultdict

import typer
from rich.table import Table

from imbplus.cli.common import console
from imbplus.privacy.access import Gate

app = typer.Typer(
    help="The access policy (who may use what, for which purpose).", no_args_is_help=True
)


@app.command("matrix")
def matrix(role: str | None = typer.Option(None, help="Only this role.")) -> None:
    """Print the policy as a table: role x category -> purposes and actions."""
    gate = Gate()
    known = sorted({r for r, *_ in gate.rules()})
    if role is not None and role not in known:
        raise typer.BadParameter(f"unknown role; one of {', '.join(known)}", param_hint="'--role'")
    cells: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r, category, purpose, action in gate.rules():
        if role is None or r == role:
            cells[(r, category)].append(f"{purpose}:{action}")
    table = Table(title=f"Access policy ({gate.policy_path.name})")
    for col in ("role", "category", "purpose:action"):
        table.add_column(col)
    for (r, category), grants in sorted(cells.items()):
        table.add_row(r, category, ", ".join(sorted(grants)))
    console.print(table)
