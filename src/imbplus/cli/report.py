"""`imbplus report regulatory`: the yearly aggregate report to the regulator (P03)."""

from __future__ import annotations

from pathlib import Path

import typer

from imbplus.cli.common import console, ready_runtime
from imbplus.cli.common_progress import progress_bar
from imbplus.compliance import regulatory
from imbplus.privacy.catalog import Purpose
from imbplus.telemetry.store import Store

app = typer.Typer(help="Reports to authorities (P03 regulatory compliance).", no_args_is_help=True)
STEPS = ("subscribers", "boxes", "suppression", "files", "register")


@app.command("regulatory")
def regulatory_cmd(
    year: int = typer.Option(..., "--year", min=2000, max=2100, help="Calendar year."),
    out: Path = typer.Option(..., "--out", help="Directory for regulatory-YEAR.csv and .pdf."),
    recipient: str | None = typer.Option(
        None, "--recipient", help="Registered authority (default: setting regulatory_recipient)."
    ),
    legal_basis: str | None = typer.Option(
        None, "--legal-basis", help="Default: setting regulatory_legal_basis."
    ),
    threshold: int | None = typer.Option(
        None, "--threshold", min=2, max=1000, help="Smallest published count (default 10)."
    ),
    quiet: bool = typer.Option(False, "--quiet", help="No progress bar."),
) -> None:
    """Subscribers, boxes and activity by voivodeship, small cells suppressed, as CSV and
    PDF; recorded as a disclosure to the authority with the files' SHA-256."""
    rt = ready_runtime()
    settings = rt.settings
    bar = progress_bar(quiet)
    task = bar.add_task("regulatory report", total=len(STEPS))

    def step(name: str) -> None:  # the bar appears once the request is found sound
        if not bar.live.is_started:
            bar.start()
        bar.update(task, completed=STEPS.index(name), description=name)

    try:
        with rt.job("regulatory_report", Purpose.REGULATORY_COMPLIANCE) as ctx:
            written = regulatory.write(
                ctx,
                Store(settings.telemetry_root),
                year=year,
                out_dir=out,
                recipient_id=recipient or settings.regulatory_recipient,
                legal_basis=legal_basis or settings.regulatory_legal_basis,
                threshold=threshold or settings.regulatory_threshold,
                skip=regulatory.left_out(ctx),
                step=step,
            )
        bar.update(task, completed=len(STEPS), description="done")
    finally:
        bar.stop()
        rt.dispose()
    console.print(
        f"{written.people} subscribers counted, {written.suppressed} cells suppressed; wrote "
        f"{written.csv} (sha256 {written.csv_sha256}) and {written.pdf} (sha256 "
        f"{written.pdf_sha256}); disclosure {written.disclosure_id}",
        soft_wrap=True,
    )
