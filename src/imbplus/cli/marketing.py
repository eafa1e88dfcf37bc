"""`imbplus marketing`: campaigns to customers who did not object (P03, B01)."""

from __future__ import annotations

import typer
from rich.table import Table

from imbplus.cli.common import console, ready_runtime, uuid_value
from imbplus.cli.common_progress import progress_bar
from imbplus.marketing import audience as aud
from imbplus.marketing import service
from imbplus.privacy.catalog import Purpose

app = typer.Typer(
    help="Marketing campaigns to customers who did not object (P03, B01).", no_args_is_help=True
)
campaigns = typer.Typer(help="Campaigns: list, show, create.", no_args_is_help=True)
app.add_typer(campaigns, name="campaigns")
JOB = aud.JOB


def _count(value: int | None) -> str:
    return f"< {aud.SMALL_COUNT}" if value is None else str(value)


@campaigns.command("list")
def list_cmd() -> None:
    """Campaigns with their status and how many messages each queued."""
    rt = ready_runtime()
    with rt.job(JOB, Purpose.MARKETING) as ctx:
        table = Table()
        table.add_column("id", no_wrap=True, min_width=36)
        for column in ("name", "status", "queued", "objected", "created"):
            table.add_column(column)
        for c in service.list_all(ctx):
            table.add_row(
                c.id, c.name, c.status, str(c.queued), str(c.excluded), f"{c.created_at:%Y-%m-%d}"
            )
    console.print(table)


@campaigns.command("show")
def show_cmd(
    campaign_id: str = typer.Argument(..., help="Campaign id.", callback=uuid_value),
) -> None:
    """A campaign, its audience and how many customers it reaches (counts only)."""
    rt = ready_runtime()
    with rt.job(JOB, Purpose.MARKETING) as ctx:
        campaign = service.get(ctx, campaign_id)
        audience = aud.Audience.from_json(campaign.audience)
        counts = service.preview(ctx, audience)
        console.print(f"{campaign.name} ({campaign.status}) audience {audience.to_json()}")
        console.print(
            f"matching {_count(counts.matching)}, objected {_count(counts.objected)}, "
            f"would receive {_count(counts.eligible)}"
        )


@campaigns.command("create")
def create_cmd(
    name: str = typer.Option(..., help="Name of the campaign."),
    subject_pl: str = typer.Option(..., help="Subject in Polish."),
    body_pl: str = typer.Option(..., help="Text in Polish (plain text)."),
    subject_en: str = typer.Option(..., help="Subject in English."),
    body_en: str = typer.Option(..., help="Text in English (plain text)."),
    package: str = typer.Option("", help="Only customers with this package (product id)."),
    has_box: str = typer.Option("", help="yes or no: only customers with (without) a box."),
    region: str = typer.Option("", help="Only customers in this voivodeship."),
    min_tenure_months: int = typer.Option(
        0, min=0, max=aud.MAX_TENURE_MONTHS, help="Customer for at least this many months."
    ),
) -> None:
    """Save a draft; a staff member approves it in the console before it can be sent."""
    rt = ready_runtime()
    with rt.job(JOB, Purpose.MARKETING) as ctx:
        filters: dict[str, object] = {"package": package, "has_box": has_box, "region": region}
        filters["min_tenure_months"] = min_tenure_months
        texts = service.Texts(name, subject_pl, body_pl, subject_en, body_en)
        campaign = service.create(ctx, texts, filters)
    console.print(f"campaign {campaign.id} saved as a draft")


@app.command("send")
def send_cmd(
    campaign_id: str = typer.Argument(..., help="Campaign id.", callback=uuid_value),
) -> None:
    """Queue an approved campaign for its audience, once; objectors are left out."""
    rt = ready_runtime()
    with (
        progress_bar(transient=True) as bar,  # a refusal leaves its one line, no half bar
        rt.job(JOB, Purpose.MARKETING) as ctx,
    ):
        task = bar.add_task("queueing", total=None)
        report = service.send(
            ctx,
            campaign_id,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    console.print(
        f"queued {report.queued} messages; {report.objected} customers objected and were left "
        f"out; {report.already} queued before"
    )
