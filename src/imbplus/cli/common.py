from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TimeRemainingColumn

from imbplus.runtime import Runtime
from imbplus.settings import load_settings

console = Console()
err_console = Console(stderr=True)


def runtime() -> Runtime:
    return Runtime(load_settings())


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
