"""`imbplus export anonymized customers|surveys|telemetry`: our own data, k-anonymous, for a
third party, recorded on the disclosure register (P06, P19)."""

from __future__ import annotations

from pathlib import Path

import typer

from imbplus.cli.common import console, output_file, ready_runtime, uuid_value
from imbplus.compliance import sharing

app = typer.Typer(
    help="Anonymized exports for third parties, each on the disclosure register (P06).",
    no_args_is_help=True,
)


@app.command("anonymized")
def anonymized_cmd(
    dataset: str = typer.Argument(..., help="customers, surveys or telemetry."),
    to: str = typer.Option(..., "--to", help="The registered third party receiving it."),
    out: Path = typer.Option(..., "--out", help="The release (CSV).", callback=output_file),
    k: int = typer.Option(5, "--k", help="Every released class has at least k rows."),
    l_div: int | None = typer.Option(
        None, "--l", help="Distinct l-diversity of the dataset's sensitive column."
    ),
    suppress: float = typer.Option(0.05, "--suppress", help="Share of rows that may be left out."),
    survey: str | None = typer.Option(
        None,
        "--survey",
        help="surveys: one survey's answers (default: demographics of all).",
        callback=uuid_value,
    ),
    days: int = typer.Option(30, "--days", help="telemetry: the last N days."),
) -> None:
    """Direct identifiers left out, quasi-identifiers generalized until k-anonymous (and
    l-diverse), the file written and the hand-over recorded with its SHA-256 (P06)."""
    request = sharing.Request(dataset, to, k, l_div, suppress, survey, days)
    rt = ready_runtime()
    try:
        shared = sharing.release_file(rt, request, out)
    finally:
        rt.dispose()
    levels = ", ".join(f"{c}: {name}" for c, name in shared.levels.items())
    l_text = f", l={shared.l}" if shared.l is not None else ""
    console.print(
        f"released {shared.rows_out} of {shared.rows_in} rows about {shared.subjects} people "
        f"(k={shared.k}{l_text}, highest re-identification risk {shared.risk_max}); {levels}; "
        f"wrote {out} (sha256 {shared.sha256}); disclosure {shared.disclosure_id} to "
        f"{shared.recipient}",
        soft_wrap=True,
    )
