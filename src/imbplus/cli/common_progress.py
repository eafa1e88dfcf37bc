"""A Rich progress bar for long CLI work (on stderr, so stdout stays parseable)."""

from __future__ import annotations

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from imbplus.cli.common import err_console


def progress_bar(quiet: bool = False, *, transient: bool = False) -> Progress:
    """`transient`: the bar goes when done, so a refusal inside leaves its one line only."""
    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        disable=quiet,
        transient=transient,
    )
