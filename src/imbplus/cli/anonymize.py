"""`imbplus anonymize`: a CSV in, a k-anonymous (l-diverse, t-close) CSV and its risk
report out (P06)."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import pyarrow as pa
import typer
from rich.progress import TaskID

from imbplus.anonymize import Result, anonymize, csvio, load_dir
from imbplus.anonymize.errors import AnonymizationError
from imbplus.cli.common import console, output_file
from imbplus.cli.common_progress import progress_bar


def _names(value: str | None) -> list[str]:
    return [n.strip() for n in (value or "").split(",") if n.strip()]


def _summary(report: dict[str, object], out: Path, report_path: Path) -> str:
    rows = report["rows"]
    classes = report["classes"]
    assert isinstance(rows, dict) and isinstance(classes, dict)
    generalization = report["generalization"]
    assert isinstance(generalization, dict)
    levels = ", ".join(f"{col}: {g['name']}" for col, g in generalization.items())
    return (
        f"released {rows['out']} of {rows['in']} rows ({rows['suppressed']} suppressed) in "
        f"{classes['count']} classes; {levels}; wrote {out} and {report_path}"
    )


def _search(quiet: bool, table: pa.Table, quasi: list[str], **options: Any) -> Result:
    """`anonymize` under a progress bar that is shown once the search starts: a refusal
    (a bad column, k, hierarchy, no node) stays the only line on the terminal."""
    with progress_bar(quiet) as bar:
        tasks: list[TaskID] = []

        def advance(done: int, total: int) -> None:
            if not tasks:
                tasks.append(bar.add_task("searching the generalization lattice"))
            bar.update(tasks[0], completed=done, total=total)

        try:
            result = anonymize(table, quasi, progress=advance, **options)
        except AnonymizationError:
            for task in tasks:
                bar.remove_task(task)
            raise
        if tasks:
            bar.update(tasks[0], completed=bar.tasks[0].total or 0)
    return result


def anonymize_cmd(
    source: Path = typer.Argument(..., metavar="IN.csv", help="UTF-8 CSV with a header."),
    quasi: str = typer.Option(..., "--quasi", help="Quasi-identifier columns, comma-separated."),
    out: Path = typer.Option(..., "--out", help="The anonymized CSV.", callback=output_file),
    report_path: Path = typer.Option(
        ..., "--report", help="The risk report (JSON).", callback=output_file
    ),
    sensitive: str | None = typer.Option(
        None, "--sensitive", help="The sensitive column (needed for --l and --t)."
    ),
    k: int = typer.Option(5, "--k", help="Every released class has at least k rows."),
    l_div: int | None = typer.Option(
        None, "--l", help="Distinct l-diversity of the sensitive column."
    ),
    t_close: float | None = typer.Option(
        None, "--t", help="t-closeness (EMD) of the sensitive column, 0..1."
    ),
    hierarchies: Path | None = typer.Option(
        None, "--hierarchies", help="Folder of ARX hierarchy files, one COLUMN.csv each."
    ),
    suppress: float = typer.Option(
        0.05, "--suppress", help="Share of rows that may be suppressed."
    ),
    drop: str | None = typer.Option(
        None, "--drop", help="Columns left out of the release, comma-separated."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Generalize the quasi-identifiers to the release of least information loss that is
    k-anonymous (and l-diverse, t-close); rows that do not fit are suppressed (P06)."""
    if source.resolve() in (out.resolve(), report_path.resolve()):
        raise AnonymizationError("--out and --report must not overwrite the input")
    if out.resolve() == report_path.resolve():
        raise AnonymizationError("--out and --report must be different files")
    quasi_names = _names(quasi)
    table, delimiter = csvio.read(source)
    given = load_dir(hierarchies, quasi_names) if hierarchies else {}
    result = _search(
        quiet, table, quasi_names, sensitive=sensitive, k=k, l=l_div, t=t_close,
        hierarchies=given, suppress=suppress, drop=_names(drop),
    )  # fmt: skip
    csvio.write_outputs(
        [
            (out, partial(csvio.write_table, result.table, delimiter=delimiter)),
            (report_path, partial(csvio.write_json, result.report)),
        ]
    )
    console.print(_summary(result.report, out, report_path), soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("anonymize")(anonymize_cmd)
