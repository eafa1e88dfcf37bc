from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from imbplus.bounds import INT32_MAX
from imbplus.cli.common import console, output_file, ready_runtime, uuid_value
from imbplus.compliance import rights
from imbplus.privacy.catalog import Purpose

app = typer.Typer(
    help="Data-subject requests and their one-month deadline (B01).", no_args_is_help=True
)


@app.command("open")
def open_cmd(
    customer: str = typer.Option(..., help="Customer id.", callback=uuid_value),
    kind: str = typer.Option(..., help=", ".join(rights.KINDS)),
    channel: str = typer.Option("email", help=", ".join(rights.CHANNELS)),
) -> None:
    rt = ready_runtime()
    with rt.job("cli", Purpose.DATA_SUBJECT_REQUEST) as ctx:
        request = rights.open_request(ctx, customer, kind, channel)
        console.print(f"request {request.id} ({kind}) due {request.due_at:%Y-%m-%d}")


@app.command("list")
def list_cmd() -> None:
    rt = ready_runtime()
    with rt.job("cli", Purpose.DATA_SUBJECT_REQUEST) as ctx:
        table = Table(title="Open data-subject requests")
        for col in ("id", "customer", "kind", "received", "due", ""):
            table.add_column(col)
        for r in rights.open_requests(ctx):
            table.add_row(
                str(r.id),
                r.customer_id,
                r.kind,
                f"{r.received_at:%Y-%m-%d}",
                f"{r.due_at:%Y-%m-%d}",
                "[red]OVERDUE[/red]" if rights.overdue(r) else "",
            )
    console.print(table)


@app.command("close")
def close_cmd(
    request_id: int = typer.Argument(..., min=1, max=INT32_MAX),
    status: str = typer.Option("done", help="done or refused"),
    outcome: str = typer.Option(..., help="What was done, or why refused."),
) -> None:
    rt = ready_runtime()
    with rt.job("cli", Purpose.DATA_SUBJECT_REQUEST) as ctx:
        rights.close_request(ctx, request_id, status=status, outcome=outcome)
    console.print(f"request {request_id} {status}")


@app.command("export")
def export_cmd(
    customer: str = typer.Option(..., callback=uuid_value),
    out: Path = typer.Option(
        ..., help="File to write: FILE.zip (the whole copy) or FILE.json.", callback=output_file
    ),
    lang: str = typer.Option("pl", help="Language of the readable page: pl or en."),
) -> None:
    """Everything held about the person (access and portability): a ZIP of JSON, the boxes'
    activity as CSV, a readable page and a manifest; or the domains' data as JSON."""
    from imbplus.compliance import subject_copy
    from imbplus.telemetry.store import Store

    if lang not in ("pl", "en"):
        raise typer.BadParameter("pl or en", param_hint="--lang")
    rt = ready_runtime()
    with rt.job("cli", Purpose.DATA_SUBJECT_REQUEST) as ctx:
        if out.suffix == ".zip":
            copy = subject_copy.build(ctx, customer, Store(rt.settings.telemetry_root))
        else:
            data = rights.export(ctx, customer)
    partial = out.with_name(f".{out.name}.partial")  # renamed once whole: no half a file
    try:
        with partial.open("wb") as fh:
            partial.chmod(0o600)
            if out.suffix == ".zip":
                subject_copy.write_zip(copy, fh, lang=lang)
            else:
                fh.write(json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8"))
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    said = (
        f"{len(copy.activity):,} activity events, {len(copy.accesses):,} accesses"
        if out.suffix == ".zip"
        else "the domains' data"
    )
    console.print(f"written to {out}: {said} (mode 0600: it holds personal data)")
