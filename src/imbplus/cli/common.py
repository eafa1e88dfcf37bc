from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TimeRemainingColumn

from imbplus.ids import is_uuid
from imbplus.runtime import LeaseTaken, Runtime
from imbplus.settings import load_settings

console = Console()
# Messages are never wrapped: an error stays on one line, whatever the terminal's width.
err_console = Console(stderr=True, soft_wrap=True)


def uuid_value(value: str | None) -> str | None:
    """Callback of an id parameter: a malformed id is refused before anything runs."""
    if value is not None and not is_uuid(value):
        raise typer.BadParameter("not an id (a UUID such as 6f1c2a4e-...)")
    return value


def output_file(path: Path | None) -> Path | None:
    """Callback of an output-file option: a file that could never be written is refused
    before the work that would fill it."""
    if path is not None and not path.parent.is_dir():
        raise typer.BadParameter("its directory does not exist")
    if path is not None and path.is_dir():
        raise typer.BadParameter("is a directory")
    return path


def runtime() -> Runtime:
    return Runtime(load_settings())


@contextmanager
def once_over_all_hosts() -> Iterator[None]:
    """A scheduled job whose lease another run holds did nothing: say so, exit 0 (the other
    run does the work; a timer on every host is how it is meant to be scheduled)."""
    try:
        yield
    except LeaseTaken as taken:
        console.print(f"skipped: {taken.message}")
        raise typer.Exit(0) from None


def ready_runtime() -> Runtime:
    from imbplus.bootstrap import ensure_ready

    rt = runtime()
    ensure_ready(rt)
    return rt


@contextmanager
def phases() -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar per phase of a long job: call `advance(phase, done, total)`."""
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def advance(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(phase, total=total)
            bar.update(tasks[phase], completed=done, total=total)

        yield advance
