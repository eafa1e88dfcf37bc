from __future__ import annotations

from datetime import UTC, datetime, timedelta

import typer
from rich.table import Table

from imbplus.cli.common import console, ready_runtime
from imbplus.clock import clock
from imbplus.errors import ValidationFailed
from imbplus.privacy.catalog import Purpose
from imbplus.processors import credentials, service

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


credentials_app = typer.Typer(
    help="Processors' own API credentials: scoped to and expiring with the contract (P04).",
    no_args_is_help=True,
)
app.add_typer(credentials_app, name="credentials")


def _print_credentials(rows: list[credentials.CredentialRead]) -> None:
    table = Table(title="Processor credentials")
    for col in ("id", "processor", "prefix", "scope (category:purpose)", "expires", "state"):
        table.add_column(col)
    now = clock.now()
    for c in rows:
        state = "revoked" if c.revoked_at else ("live" if c.live_at(now) else "expired")
        table.add_row(
            str(c.id),
            c.processor_id,
            c.prefix + "…",
            "\n".join(c.scope),
            f"{c.expires_at:%Y-%m-%d %H:%M}",
            state,
        )
    console.print(table)


@credentials_app.command("issue")
def credentials_issue(
    processor_id: str = typer.Option(..., "--processor", help="Processor id."),
    scope: list[str] | None = typer.Option(
        None, help="category:purpose within the contract, repeatable (default: all of it)."
    ),
    expires: str | None = typer.Option(
        None, help="Last day, YYYY-MM-DD (default: the contract's end; never after it)."
    ),
) -> None:
    """Issue a credential; the token is shown once and only its hash is kept."""
    rt = ready_runtime()
    with rt.job("processors", Purpose.SECURITY) as ctx:
        until = _date(expires, "expires") + timedelta(days=1) if expires else None
        issued = credentials.issue(ctx, processor_id, scope=scope or None, expires_at=until)
    _print_credentials([issued.credential])
    console.print("Token (shown once; give it to the processor over a safe channel):")
    console.print(issued.token, soft_wrap=True, markup=False, highlight=False)


@credentials_app.command("list")
def credentials_list(
    processor_id: str | None = typer.Option(None, "--processor", help="Only this processor."),
) -> None:
    """Credentials with scope, expiry and state (never a token)."""
    rt = ready_runtime()
    with rt.job("processors", Purpose.SECURITY) as ctx:
        _print_credentials(credentials.list_for(ctx, processor_id))


@credentials_app.command("revoke")
def credentials_revoke(
    credential_id: int = typer.Argument(
        ..., min=1, max=2**31 - 1, help="Credential id (see list)."
    ),
) -> None:
    """Revoke a credential: every worker answers 401 within a second."""
    rt = ready_runtime()
    with rt.job("processors", Purpose.SECURITY) as ctx:
        _print_credentials([credentials.revoke(ctx, credential_id)])
