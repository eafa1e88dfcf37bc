"""`imbplus backup`: create, list, verify, drill and restore backups (P11, P13)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn
from rich.table import Table

from imbplus.backup import drill as drills
from imbplus.backup import manifest as mf
from imbplus.backup import restore as restores
from imbplus.backup import service
from imbplus.bootstrap import init
from imbplus.cli.common import console, err_console, ready_runtime, runtime

app = typer.Typer(
    help="Backups with a manifest, restore drills, restores that erase again (P11, P13).",
    no_args_is_help=True,
)


@contextmanager
def _bytes(quiet: bool) -> Iterator[service.Phases]:
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=err_console,
        disable=quiet,
        transient=True,
    ) as bar:

        def phase(name: str, total: int | None) -> mf.Progress:
            task = bar.add_task(name, total=total)
            return lambda n: bar.advance(task, n)

        yield phase


@app.command("create")
def create(
    no_telemetry: bool = typer.Option(False, "--no-telemetry", help="Database only."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Back up the database (a consistent snapshot, also while serving), the telemetry
    dataset and the audit head into IMBPLUS_BACKUP_DIR; the backup's path is the last line."""
    rt = ready_runtime()
    with _bytes(quiet) as phases:
        made = service.create(rt, telemetry=not no_telemetry, phases=phases)
    m = made.manifest
    console.print(
        f"backup {m.name}: {len(m.tables)} tables, {sum(m.tables.values())} rows, "
        f"{len(m.telemetry)} telemetry files, {m.total_bytes():,} bytes; "
        f"audit head {m.audit_head[0] if m.audit_head else '-'}"
    )
    if made.pruned:
        console.print(f"deleted {len(made.pruned)} old backup(s) (IMBPLUS_BACKUP_KEEP)")
    console.print("the master key is not in the backup: keep it apart, as before")
    print(made.path)


@app.command("list")
def list_cmd() -> None:
    """Complete backups, newest last."""
    rt = runtime()
    table = Table(title=f"Backups in {rt.settings.backup_root}")
    for col in ("name", "created (UTC)", "backend", "rows", "files", "bytes"):
        table.add_column(col)
    for path in service.backups(rt.settings.backup_root):
        try:
            m = mf.read(path)
        except mf.BackupInvalid as exc:
            table.add_row(path.name, "-", "-", "-", "-", exc.message)
            continue
        table.add_row(
            m.name,
            m.created_at[:19].replace("T", " "),
            m.backend,
            f"{sum(m.tables.values()):,}",
            str(len(m.files())),
            f"{m.total_bytes():,}",
        )
    console.print(table)


@app.command("verify")
def verify(
    backup: str = typer.Argument(None, help="Path or name; the newest when left out."),
    quiet: bool = typer.Option(False, "--quiet", "-q"),
) -> None:
    """Check every file of a backup against its hash. Exit 0 whole, 1 damaged."""
    rt = runtime()
    path = service.resolve(rt, backup)
    manifest = mf.read(path)
    with _bytes(quiet) as phases:
        _m, problems = service.verify(path, phases("verifying", manifest.total_bytes()))
    if problems:
        for p in problems:
            console.print(f"[red]damaged[/red] {p}")
        raise typer.Exit(1)
    console.print(f"backup {manifest.name} is whole: {len(manifest.files())} files")


@app.command("drill")
def drill(
    backup: str = typer.Argument(None, help="Path or name; the newest when left out."),
    quiet: bool = typer.Option(False, "--quiet", "-q"),
) -> None:
    """Restore a backup into a scratch database and check it (files, schema, row counts,
    audit chain, decryption, telemetry); the live data is not touched. Exit 0 passed."""
    rt = ready_runtime()
    path = service.resolve(rt, backup)
    manifest = mf.read(path)
    with _bytes(quiet) as phases:
        report = drills.run(rt, path, phases("checking files", manifest.total_bytes()))
    table = Table(title=f"Restore drill of {report.backup}")
    for col in ("check", "result", "detail"):
        table.add_column(col)
    for step in report.steps:
        table.add_row(step.name, "pass" if step.ok else "[red]FAIL[/red]", step.detail)
    console.print(table)
    if not report.passed:
        raise typer.Exit(1)


@app.command("restore")
def restore(
    backup: str = typer.Argument(..., help="Path or name of the backup to restore."),
    telemetry: bool = typer.Option(
        False, "--telemetry", help="Also replace the telemetry dataset with the backup's."
    ),
    yes: bool = typer.Option(False, "--yes", help="Confirm: the server and jobs are stopped."),
    quiet: bool = typer.Option(False, "--quiet", "-q"),
) -> None:
    """Replace the live database with a backup (the old one is kept beside it), then erase
    again every customer erased since. Stop the server first."""
    if not yes:
        err_console.print(
            "[red]error:[/red] restore replaces the live database; stop the server and the "
            "jobs, then run it again with --yes"
        )
        raise typer.Exit(2)
    rt = runtime()
    path = service.resolve(rt, backup)
    manifest = mf.read(path)
    settings = rt.settings
    rt.dispose()
    with _bytes(quiet) as phases:
        done = restores.restore(
            settings,
            path,
            prepare=init,
            telemetry=telemetry,
            progress=phases("checking files", manifest.total_bytes()),
        )
    if not done.live_readable:
        err_console.print(
            "[yellow]warning:[/yellow] the previous database could not be read; customers "
            "were erased again from the erasure journal alone"
        )
    console.print(
        f"restored {done.backup}; the previous database is kept as {done.kept_old}; "
        f"{len(done.erased_again)} customer(s) erased since the backup were erased again"
        + (f"; {done.telemetry_files} telemetry files restored" if telemetry else "")
    )


@app.command("journal-sync")
def journal_sync() -> None:
    """Add every erased customer missing from the erasure journal (after a failed write)."""
    rt = ready_runtime()
    added = service.sync_journal(rt)
    console.print(f"erasure journal: {added} customer id(s) added")
