from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress
from rich.table import Table

from imbplus.bounds import INT32_MAX
from imbplus.cli.common import console, err_console, ready_runtime
from imbplus.errors import ValidationFailed
from imbplus.privacy.catalog import Purpose
from imbplus.runtime import Runtime
from imbplus.site import notices, policy
from imbplus.web.i18n import DEFAULT, LANGS

app = typer.Typer(
    help="Privacy-policy versions per site and language (P15, P22).", no_args_is_help=True
)


def read_document(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError:
        raise ValidationFailed([{"field": "FILE", "problem": "cannot be read"}]) from None
    if len(raw) > policy.MAX_CHARS * 4:
        raise ValidationFailed([{"field": "FILE", "problem": "too large"}])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationFailed([{"field": "FILE", "problem": "is not UTF-8 text"}]) from None


def notify_with_progress(rt: Runtime, version_id: int) -> int:
    total = notices.customers_to_tell(rt)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        console=err_console,
    ) as bar:
        task = bar.add_task("e-mails to customers", total=total)
        return notices.notify_customers(rt, version_id, advance=lambda n: bar.advance(task, n))


@app.command("publish")
def publish(
    file: Path = typer.Argument(..., help="The policy text: '# Title' line, then Markdown."),
    lang: str = typer.Option(..., "--lang", help=f"Language of the text: {', '.join(LANGS)}."),
    effective: datetime = typer.Option(
        ..., "--effective", formats=["%Y-%m-%d"], help="Day it takes effect (YYYY-MM-DD)."
    ),
    changes: str = typer.Option(
        "", "--changes", help="What changed from the previous version (required after v1)."
    ),
    site: str = typer.Option(policy.MAIN_SITE, "--site", help="Site the policy is for."),
    notify: bool | None = typer.Option(
        None,
        "--notify/--no-notify",
        help=f"E-mail every customer (default: when --lang is {DEFAULT}).",
    ),
) -> None:
    """Publish a new version; cookie consent is asked again once it takes effect, and
    customers are told by e-mail and in the portal."""
    text = read_document(file)
    rt = ready_runtime()
    with rt.job("policy", Purpose.REGULATORY_COMPLIANCE) as ctx:
        version = policy.publish(
            ctx, site=site, lang=lang, text=text, effective_from=effective.date(), changes=changes
        )
        version_id, number = version.id, version.number
    console.print(
        f"published {site}/{lang} version {number}, effective {effective.date().isoformat()}"
    )
    if notify if notify is not None else lang == DEFAULT:
        queued = notify_with_progress(rt, version_id)
        console.print(f"{queued} e-mail(s) queued; send them with `imbplus outbox run`")
    rt.dispose()


@app.command("list")
def list_versions(
    lang: str = typer.Option(DEFAULT, "--lang"),
    site: str = typer.Option(policy.MAIN_SITE, "--site"),
) -> None:
    """Versions of a site's policy, newest first."""
    policy.check_target(site, lang)
    rt = ready_runtime()
    with rt.sessions() as session:
        in_force = policy.current(session, site, lang)
        table = Table()
        for col in ("version", "effective", "published", "by", "title", "sha256", "state"):
            table.add_column(col)
        for v in policy.versions(session, site, lang):
            state = (
                "in force"
                if in_force is not None and v.id == in_force.id
                else ("announced" if v.effective_from > policy.today() else "earlier")
            )
            table.add_row(
                str(v.number),
                v.effective_from.isoformat(),
                v.published_at.strftime("%Y-%m-%d %H:%M"),
                v.published_by,
                v.title,
                v.body_sha256[:12],
                state,
            )
    console.print(table)
    rt.dispose()


@app.command("notify")
def notify_cmd(
    version: int = typer.Option(..., "--version", min=1, max=INT32_MAX, help="Version number."),
    lang: str = typer.Option(DEFAULT, "--lang"),
    site: str = typer.Option(policy.MAIN_SITE, "--site"),
) -> None:
    """(Again) queue the e-mail about a version to customers not told yet."""
    policy.check_target(site, lang)
    rt = ready_runtime()
    with rt.sessions() as session:
        version_id = policy.get(session, site, lang, version).id
    queued = notify_with_progress(rt, version_id)
    console.print(f"{queued} e-mail(s) queued")
    rt.dispose()
