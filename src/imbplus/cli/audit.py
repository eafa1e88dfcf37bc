from __future__ import annotations

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table

from imbplus.cli.common import console, err_console, ready_runtime
from imbplus.clock import us_to_datetime
from imbplus.privacy import audit as audit_log
from imbplus.privacy.catalog import Purpose
from imbplus.privacy.models import AuditHead
from imbplus.settings import Settings

app = typer.Typer(help="The tamper-evident audit log (P11).", no_args_is_help=True)


@app.command("verify")
def verify(quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar.")) -> None:
    """Check the whole hash chain and the checkpoint. Exit 0 intact, 1 broken."""
    rt = ready_runtime()
    with rt.sessions() as session:
        total = audit_log.count(session)
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err_console,
            disable=quiet,
        ) as bar:
            task = bar.add_task("verifying", total=total)
            result = audit_log.verify(
                session, rt.checkpoint, progress=lambda n: bar.advance(task, n)
            )
    _note_key_place(rt.settings)
    if result.ok:
        peers = len(rt.checkpoint.peers)
        console.print(
            f"audit chain intact: {result.records} records, head {result.head_seq}, "
            "checkpoint signed and matching"
            + (f" (and those of {peers} other host(s))" if peers else "")
        )
        return
    where = f" at record {result.first_bad_seq}" if result.first_bad_seq is not None else ""
    console.print(
        f"[red]audit chain BROKEN[/red]{where}: {result.problem} ({result.records} records checked)"
    )
    raise typer.Exit(1)


def _note_key_place(settings: Settings) -> None:
    key = settings.audit_key_file.resolve()
    if key.is_relative_to(settings.data_dir.resolve()):
        err_console.print(
            "[yellow]note: the checkpoint's signing key is inside the data directory; "
            "whoever can rewrite the data can then re-sign it too. In production keep it "
            "beside the master key on another volume (IMBPLUS_AUDIT_SIGNING_KEY_FILE).[/yellow]"
        )


@app.command("anchor")
def anchor(
    yes: bool = typer.Option(False, "--yes", help="Confirm: the reason was investigated."),
    accept_unkeyed: bool = typer.Option(
        False, "--accept-unkeyed", help="Also anchor a log none of whose records is keyed."
    ),
) -> None:
    """Sign a new checkpoint at the current head, after a missing or rewritten checkpoint was
    investigated. Refused while the chain itself does not verify. Audited."""
    if not yes:
        err_console.print("anchoring accepts the log as it is now; give --yes to confirm")
        raise typer.Exit(2)
    rt = ready_runtime()
    with rt.sessions() as session:
        result = audit_log.verify(session, rt.checkpoint, require_checkpoint=False)
    if not result.ok:
        err_console.print(f"the chain does not verify: {result.problem}; nothing anchored")
        raise typer.Exit(1)
    if result.first_keyed is None and result.head_seq > 0 and not accept_unkeyed:
        err_console.print(
            "no record of the log is keyed, so nothing shows it was written by this system; "
            "nothing anchored (--accept-unkeyed, only for a log from before the keyed chain)"
        )
        raise typer.Exit(1)
    keyed_from = result.first_keyed or result.head_seq + 1
    with rt.job("audit_anchor", Purpose.SECURITY) as ctx:
        ctx.note("audit.anchored", reason=f"checkpoint re-signed at record {result.head_seq}")
    with rt.sessions() as session:
        head = session.get(AuditHead, 1)
        assert head is not None
        rt.checkpoint.anchor(head.seq, head.hash, keyed_from=keyed_from)
    console.print(
        f"checkpoint signed at record {head.seq}; records before {keyed_from} are not keyed"
        if keyed_from > 1
        else f"checkpoint signed at record {head.seq}"
    )


@app.command("tail")
def tail(
    n: int = typer.Option(20, "-n", min=1, max=1000),
    subject: str | None = typer.Option(None, help="Only records about this customer id."),
) -> None:
    """Show the newest audit records."""
    rt = ready_runtime()
    with rt.sessions() as session:
        rows = audit_log.records(session, subject_id=subject, limit=n)
    table = Table()
    for col in (
        "seq",
        "when",
        "actor",
        "role",
        "purpose",
        "categories",
        "subject",
        "action",
        "result",
        "reason",
    ):
        table.add_column(col, overflow="fold")  # every cell whole, wrapped, never cut
    for r in reversed(rows):
        table.add_row(
            str(r.seq),
            us_to_datetime(r.ts_us).strftime("%Y-%m-%d %H:%M:%S"),
            f"{r.actor_kind}:{r.actor_id}",
            r.actor_role,
            r.purpose,
            r.categories,
            r.subject_id or "",
            r.action,
            r.result,
            r.reason or "",
        )
    console.print(table)
