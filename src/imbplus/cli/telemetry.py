from __future__ import annotations

from datetime import date
from typing import Any

import typer
from rich.table import Table

from imbplus.cli.common import console, once_over_all_hosts, phases, ready_runtime
from imbplus.privacy.catalog import Purpose
from imbplus.telemetry import maintenance, queries, readable
from imbplus.telemetry.store import Store

app = typer.Typer(
    help="STB activity telemetry: stats, compaction, retention.", no_args_is_help=True
)


def _table(title: str, rows: list[dict[str, Any]], columns: list[str] | None = None) -> Table:
    table = Table(title=title, title_justify="left")
    cols = columns or (list(rows[0]) if rows else [])
    for col in cols:
        table.add_column(
            col, justify="right" if rows and isinstance(rows[0].get(col), int | float) else "left"
        )
    for row in rows:
        table.add_row(*(str(row.get(c, "")) for c in cols))
    return table


@app.command("stats")
def stats(
    purpose: Purpose = typer.Option(
        Purpose.SERVICE_IMPROVEMENT,
        help="Why you look: service_improvement, "
        "market_research or pricing (each shows the reports it may).",
    ),
    days: int = typer.Option(30, min=1, max=3660, help="Window ending today."),
) -> None:
    """Device health, viewing trends, VOD top titles and regions (through the gate)."""
    rt = ready_runtime()
    store = Store(rt.settings.telemetry_root)
    reports = queries.reports_for(purpose)
    if not reports:
        raise typer.BadParameter(f"no telemetry report serves {purpose.value}")
    with rt.job("telemetry_stats", purpose) as ctx:
        if "health" in reports:
            h = queries.health(ctx, store, days)
            console.print(
                f"[bold]Device health[/bold] {h.window.first} .. {h.window.last}: "
                f"{h.boxes} boxes, {h.events} events, {h.errors} errors, "
                f"{h.silent_boxes} silent for 24 h"
            )
            console.print(_table("Error rate by model and firmware", h.by_firmware))
            console.print(_table("Top error codes", h.top_errors))
        if "trends" in reports:
            t = queries.trends(ctx, store, days)
            console.print(_table("Top channels", t.channels))
            by_hour: dict[int, int] = {}
            for cell in t.heatmap:
                by_hour[cell["hour"]] = by_hour.get(cell["hour"], 0) + int(cell["plays"])
            peak = max(by_hour.values(), default=1) or 1
            console.print("[bold]Channel plays by local hour[/bold]")
            for hour in range(24):
                plays = by_hour.get(hour, 0)
                console.print(f"{hour:02d}:00 {'█' * int(40 * plays / peak):<40} {plays}")
        if "vod" in reports:
            vod = queries.vod_top(ctx, store, days)
            cols = ["content_id", "plays", "boxes", "hours"]
            console.print(_table("VOD top titles (10+ boxes each)", vod, cols))
        if "regions" in reports:
            r = queries.regions(ctx, store, days)
            cols = [
                "region",
                "boxes",
                "channel_plays",
                "vod_plays",
                "hours_per_box_day",
                "top_channel",
            ]
            console.print(_table("Regions (groups under 10 boxes hidden)", r.rows, cols))
            if r.suppressed_groups:
                console.print(f"{r.suppressed_groups} small group(s) suppressed")
    _warn_unreadable(readable.broken(store), "left out of these reports")


@app.command("compact")
def compact(
    min_files: int = typer.Option(
        8, min=2, max=100_000, help="Compact a day from this many files."
    ),
    include_today: bool = typer.Option(False, help="Also today's (still growing) partition."),
) -> None:
    """Merge each day's small batch files into one."""
    rt = ready_runtime()
    with once_over_all_hosts(), phases() as advance:
        report = maintenance.compact(
            rt,
            min_files=min_files,
            include_today=include_today,
            progress=lambda done, total: advance("compacting days", done, total),
        )
    console.print(
        f"compacted {report.days} day(s): {report.files_before} files -> "
        f"{report.files_after}, {report.rows} events; {report.rollups} day(s) of rollups"
    )
    if report.unreadable:
        _warn_unreadable(report.unreadable, "left as they are")
        raise typer.Exit(1)


def _warn_unreadable(days: dict[date, str], what: str) -> None:
    for day, problem in sorted(days.items()):
        console.print(f"[red]day {day.isoformat()} cannot be read ({problem}); {what}[/red]")


@app.command("retention")
def retention(dry_run: bool = typer.Option(False, help="Only show what would be dropped.")) -> None:
    """Drop every day partition past the activity retention period (P13); audited."""
    rt = ready_runtime()
    report = maintenance.apply_retention(rt, dry_run=dry_run)
    verb = "would drop" if dry_run else "dropped"
    days = ", ".join(d.isoformat() for d in report.dropped) or "nothing"
    console.print(
        f"retention {rt.settings.telemetry_retention_days} days, cutoff {report.cutoff}: "
        f"{verb} {len(report.dropped)} day(s) ({report.files} files): {days}"
    )


@app.command("days")
def days_cmd() -> None:
    """Day partitions in the store."""
    rt = ready_runtime()
    info = Store(rt.settings.telemetry_root).day_info()
    console.print(
        _table(
            "Partitions",
            [{"day": d.day.isoformat(), "files": d.files, "bytes": d.bytes} for d in info],
        )
    )
