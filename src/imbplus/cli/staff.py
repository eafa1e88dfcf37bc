from __future__ import annotations

import typer
from rich.table import Table

from imbplus.cli.common import console, err_console, ready_runtime
from imbplus.privacy.catalog import Purpose, Role
from imbplus.staff import mfa, service

app = typer.Typer(help="Employees, their roles and API tokens.", no_args_is_help=True)
ROLES = ", ".join(r.value for r in Role)


@app.command("add")
def add(
    name: str = typer.Option(..., help="Full name of the employee."),
    role: list[str] = typer.Option(..., help=f"Role (repeat for several): {ROLES}."),
    username: str | None = typer.Option(None, help="Login name (default: from the name)."),
    password: bool = typer.Option(False, "--password", help="Also set a console password."),
) -> None:
    """Create an employee. The API token is printed once, alone on the last line."""
    secret = None
    if password:
        secret = typer.prompt("Console password", hide_input=True, confirmation_prompt=True)
    rt = ready_runtime()
    with rt.job("cli", Purpose.SECURITY) as ctx:
        staff, token = service.add(ctx, name=name, roles=role, username=username, password=secret)
        err_console.print(
            f"staff {staff.id} '{staff.username}' roles {', '.join(staff.role_names)}"
        )
        if mfa.missing(rt.gate, staff):
            err_console.print(
                "two-factor login is set up at the first console login; until then the "
                "console and the API token refuse this account"
            )
    print(token)


@app.command("list")
def list_cmd() -> None:
    """List employees and roles."""
    rt = ready_runtime()
    with rt.sessions() as session:
        rows = service.list_staff(session)
        table = Table()
        for col in ("id", "username", "name", "roles", "2FA", "active"):
            table.add_column(col)
        for s in rows:
            table.add_row(
                str(s.id),
                s.username,
                s.display_name,
                ", ".join(s.role_names),
                "on" if s.totp_enabled else "off",
                "yes" if s.active else "no",
            )
    console.print(table)


@app.command("token")
def token(username: str = typer.Option(...)) -> None:
    """Issue a new API token (printed alone on the last line)."""
    rt = ready_runtime()
    with rt.job("cli", Purpose.SECURITY) as ctx:
        staff = service.get_by_username(ctx.session, username)
        value = service.issue_token(ctx, staff)
    print(value)


@app.command("revoke-tokens")
def revoke(username: str = typer.Option(...)) -> None:
    """Revoke every API token of an employee."""
    rt = ready_runtime()
    with rt.job("cli", Purpose.SECURITY) as ctx:
        n = service.revoke_tokens(ctx, service.get_by_username(ctx.session, username))
    console.print(f"{n} token(s) revoked")


@app.command("password")
def password(username: str = typer.Option(...)) -> None:
    """Set an employee's console password (prompted)."""
    rt = ready_runtime()
    with rt.sessions() as session:
        service.get_by_username(session, username)  # an unknown account: refused, not prompted
    secret = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    with rt.job("cli", Purpose.SECURITY) as ctx:
        service.set_password(ctx, service.get_by_username(ctx.session, username), secret)
    console.print("password set")


@app.command("disable")
def disable(username: str = typer.Option(...)) -> None:
    """Disable an account (login and tokens stop working)."""
    rt = ready_runtime()
    with rt.job("cli", Purpose.SECURITY) as ctx:
        service.set_active(ctx, service.get_by_username(ctx.session, username), False)
    console.print("disabled")


@app.command("totp")
def totp(username: str = typer.Option(...)) -> None:
    """Show the current two-factor login code of an account (printed alone on the last line).

    For the demo and for operators helping an employee on the server; each use is audited.
    """
    rt = ready_runtime()
    with rt.job("cli", Purpose.SECURITY) as ctx:
        staff = service.get_by_username(ctx.session, username)
        code = mfa.current_code(rt, ctx.session, staff)
        ctx.note("staff.totp_code_shown", reason=f"staff:{staff.id}")
        name = staff.username
    err_console.print(
        f"current login code of '{name}' (for the demo and operators; this use is "
        "recorded in the audit log; the code changes every 30 seconds)"
    )
    print(code)
