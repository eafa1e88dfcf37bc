from __future__ import annotations

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TimeRemainingColumn
from rich.table import Table

from imbplus.cli.common import console, err_console, ready_runtime
from imbplus.privacy.crypto import keyring_state
from imbplus.privacy.rotation import rotate

app = typer.Typer(help="Encryption keys (P05, P12).", no_args_is_help=True)


@app.command("rotate")
def rotate_cmd(
    master: bool = typer.Option(False, "--master", help="Also replace the master key."),
) -> None:
    """New versions of every data key, re-encrypt all values, destroy the old versions.

    Safe to interrupt: run it again and it resumes where it stopped."""
    rt = ready_runtime()
    tasks: dict[str, TaskID] = {}
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
    ) as bar:

        def progress(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(phase, total=total)
            bar.update(tasks[phase], completed=done, total=total)

        report = rotate(rt, master=master, progress=progress)
    console.print(
        f"rotation {report.rotation_id} {'resumed and ' if report.resumed else ''}finished: "
        f"{report.keys_rotated} keys rotated, {report.values_reencrypted} rows re-encrypted, "
        f"{report.versions_destroyed} old versions destroyed"
        + (f", {report.master_rewrapped} key versions re-wrapped" if master else "")
    )


@app.command("status")
def status() -> None:
    """Count data keys by scope and state."""
    rt = ready_runtime()
    with rt.sessions() as session:
        state = keyring_state(session)
    table = Table(title=f"Keyring (master key version {rt.keyring.master.active})")
    table.add_column("scope/state")
    table.add_column("keys", justify="right")
    for k, v in sorted(state.items()):
        table.add_row(k, str(v))
    console.print(table)
