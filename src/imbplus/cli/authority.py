"""`imbplus authority list | add | approve | refuse | fulfil | close`: requests from public
authorities (P07). The command line acts as the named employee (`--by USERNAME`, an active
account with the DPO role): the one who entered a request cannot approve it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.table import Table

from imbplus.cli.common import console, ready_runtime
from imbplus.compliance import authority, authority_bundle
from imbplus.errors import AccessDenied, ValidationFailed
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.authority_requests import STATUSES
from imbplus.privacy.catalog import Purpose
from imbplus.staff import service as staff_service
from imbplus.telemetry.store import Store

app = typer.Typer(
    help="Requests from public authorities: register, four-eyes approval, bundle (P07).",
    no_args_is_help=True,
)
BY = typer.Option(..., "--by", help="Username of the employee (DPO role) doing this.")
REQUEST_ID = typer.Argument(..., min=1, max=2**31 - 1, help="The request's number.")


@contextmanager
def _as(username: str) -> Iterator[tuple[Context, Store]]:
    rt = ready_runtime()
    try:
        with rt.unit_of_work() as session:
            staff = staff_service.get_by_username(session, username.strip())
            if not staff.active:
                raise AccessDenied("this staff account is disabled")
            actor = Actor.staff(staff.id, staff.role_names)
            yield (
                Context(session, rt, actor, Purpose.LEGAL_OBLIGATION),
                Store(rt.settings.telemetry_root),
            )
    finally:
        rt.dispose()


@app.command("list")
def list_cmd(
    by: str = BY,
    status: str | None = typer.Option(None, "--status", help=", ".join(STATUSES)),
) -> None:
    """The register, newest first."""
    if status is not None and status not in STATUSES:
        raise ValidationFailed([{"field": "status", "problem": f"one of {', '.join(STATUSES)}"}])
    with _as(by) as (ctx, _store):
        rows = [
            (str(v.request.id), v.authority_name, v.request.reference, v.request.legal_basis,
             str(len(v.customers)), ",".join(v.categories), v.request.status,
             f"{v.request.bar_until:%Y-%m-%d}" if v.request.bar_until else "")
            for v in authority.listing(ctx, status=status)
        ]  # fmt: skip
    table = Table(title=f"Requests from authorities ({len(rows)})")
    for col in ("id", "authority", "reference", "legal basis", "people", "categories"):
        table.add_column(col)
    table.add_column("status")
    table.add_column("bar until")
    for row in rows:
        table.add_row(*row)
    console.print(table)


@app.command("add")
def add_cmd(
    by: str = BY,
    authority_id: str = typer.Option(..., "--authority", help="A registered authority's id."),
    reference: str = typer.Option(..., "--reference", help="The authority's case reference."),
    legal_basis: str = typer.Option(..., "--legal-basis", help="Statute and article."),
    received: str = typer.Option(..., "--received", help="Day received, YYYY-MM-DD."),
    customer: list[str] = typer.Option(..., "--customer", help="A customer id (repeat)."),
    category: list[str] = typer.Option(..., "--category", help="A data category (repeat)."),
    period_from: str = typer.Option("", "--from", help="Period from, YYYY-MM-DD."),
    period_to: str = typer.Option("", "--to", help="Period to (inclusive), YYYY-MM-DD."),
    bar_until: str = typer.Option("", "--bar-until", help="Customer not told before this day."),
    notes: str = typer.Option("", "--notes", help="Notes (no personal data)."),
) -> None:
    """Enter a request (status received)."""
    draft = authority.Draft(
        authority_id, reference, legal_basis, received, customer, category,
        period_from, period_to, bar_until, notes,
    )  # fmt: skip
    with _as(by) as (ctx, _store):
        row = authority.add(ctx, draft)
        number = row.id
    console.print(f"request {number} received; another DPO approves or refuses it")


def _decide(by: str, request_id: int, reason: str, approve: bool) -> None:
    with _as(by) as (ctx, _store):
        status = authority.decide(ctx, request_id, approve=approve, reason=reason).status
    console.print(f"request {request_id} {status}")


@app.command("approve")
def approve_cmd(
    request_id: int = REQUEST_ID, by: str = BY, reason: str = typer.Option(..., "--reason")
) -> None:
    """Approve a request someone else entered."""
    _decide(by, request_id, reason, True)


@app.command("refuse")
def refuse_cmd(
    request_id: int = REQUEST_ID, by: str = BY, reason: str = typer.Option(..., "--reason")
) -> None:
    """Refuse a request someone else entered."""
    _decide(by, request_id, reason, False)


@app.command("fulfil")
def fulfil_cmd(request_id: int = REQUEST_ID, by: str = BY) -> None:
    """Write the bundle of an approved request and record the disclosure."""
    with _as(by) as (ctx, store):
        row = authority_bundle.fulfil(ctx, request_id, store)
        path, digest = authority_bundle.bundle_path(ctx, row), row.bundle_sha256
    console.print(f"request {request_id} fulfilled: {path} (SHA-256 {digest}, mode 0600)")


@app.command("close")
def close_cmd(
    request_id: int = REQUEST_ID, by: str = BY, reason: str = typer.Option("", "--reason")
) -> None:
    """Close a request that was fulfilled, refused or will not be fulfilled."""
    with _as(by) as (ctx, _store):
        authority.close(ctx, request_id, reason=reason)
    console.print(f"request {request_id} closed")
