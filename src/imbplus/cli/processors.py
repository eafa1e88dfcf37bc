from __future__ import annotations

from datetime import UTC, datetime

import typer
from rich.table import Table

from imbplus.cli.common import console, ready_runtime
from imbplus.errors import ValidationFailed
from imbplus.privacy.catalog import Purpose
from imbplus.processors import service

app = typer.Typer(help="Processors and their contracts (P04).", no_args_is_help=True)


def _date(value: str, field: str) -> datetime:
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        raise ValidationFailed([{"field": field, "problem": "a date like 2026-12-31"}]) from None


def _print(items: list[service.ProcessorInfo]) -> None:
    table = Table(title="Processors")
    for col in ("id", "name", "kind", "contract", "scope (category:purpose)", "valid"):
        table.add_column(col)
    for p in items:
        table.add_row(
            p.id,
            p.name,
            p.kind,
            p.contract_ref,
            "\n".join(sorted(f"{c.value}:{u.value}" for c, u in p.scope)),
            f"{p.valid_from:%Y-%m-%d} – {p.valid_until:%Y-%m-%d}",
        )
    console.print(table)


@app.command("list")
def list_cmd() -> None:
    """Registered processors with contract, scope and validity."""
    rt = ready_runtime()
    with rt.job("processors", Purpose.SECURITY) as ctx:
        _print(service.list_all(ctx))


@app.command("register")
def register(
    processor_id: str = typer.Option(..., "--id"),
    name: str = typer.Option(...),
    kind: str = typer.Option(..., help="carrier, payment, sms or mail"),
    contract: str = typer.Option(..., help="Contract reference."),
    scope: list[str] = typer.Option(..., help="category:purpose, repeatable."),
    valid_from: str = typer.Option(..., "--from", help="First day, YYYY-MM-DD."),
    valid_until: str = typer.Option(..., "--until", help="Day the contract ends, YYYY-MM-DD."),
) -> None:
    """Register a processor or replace its contract terms."""
    rt = ready_runtime()
    with rt.job("processors", Purpose.SECURITY) as ctx:
        info = service.register(
            ctx,
            processor_id=processor_id,
            name=name,
            kind=kind,
            contract_ref=contract,
            scope=scope,
            valid_from=_date(valid_from, "from"),
            valid_until=_date(valid_until, "until"),
        )
    _print([info])


@app.command("register-sandbox")
def register_sandbox(
    days: int = typer.Option(365, min=1, max=3650, help="Contract length."),
) -> None:
    """Register the local sandbox carrier, payment provider, SMS gateway and mail relay."""
    rt = ready_runtime()
    with rt.job("processors", Purpose.SECURITY) as ctx:
        _print(service.register_sandbox(ctx, days=days))
