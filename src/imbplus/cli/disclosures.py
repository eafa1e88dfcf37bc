"""`imbplus disclosures list | recipients | add-recipient`: the disclosure register (P01)."""

from __future__ import annotations

from datetime import UTC, datetime

import typer
from rich.table import Table

from imbplus.cli.common import console, ready_runtime
from imbplus.errors import ValidationFailed
from imbplus.privacy import disclosure, releases
from imbplus.privacy.catalog import Purpose

app = typer.Typer(
    help="The disclosure register: what left to whom, and the recipients (P01, P06).",
    no_args_is_help=True,
)


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        raise ValidationFailed([{"field": "since", "problem": "a date like 2026-12-01"}]) from None


def _kind(value: str | None) -> str | None:
    if value is not None and value not in disclosure.RECIPIENT_KINDS:
        kinds = ", ".join(disclosure.RECIPIENT_KINDS)
        raise ValidationFailed([{"field": "kind", "problem": f"one of {kinds}"}])
    return value


def _what(row: disclosure.DisclosureRead) -> str:
    if row.dataset:
        anonymity = f", k={row.k_anonymity}" if row.k_anonymity else ""
        anonymity += f", l={row.l_diversity}" if row.l_diversity else ""
        return f"{row.dataset} ({row.subject_count} people{anonymity})"
    return row.reference


@app.command("list")
def list_cmd(
    kind: str | None = typer.Option(None, "--kind", help="processor, authority or third_party."),
    since: str | None = typer.Option(None, "--since", help="From this day on, YYYY-MM-DD."),
    limit: int = typer.Option(100, "--limit", min=1, max=10_000, help="At most this many."),
) -> None:
    """The register, newest first: recipient and kind, purpose, categories, what was handed
    over (a dataset with its k and the file's SHA-256)."""
    rt = ready_runtime()
    try:
        with rt.job("disclosures", Purpose.SECURITY) as ctx:
            rows = disclosure.register_rows(ctx, kind=_kind(kind), since=_since(since), limit=limit)
    finally:
        rt.dispose()
    table = Table(title=f"Disclosure register ({len(rows)} rows)")
    for col in ("id", "at", "kind", "recipient", "purpose", "categories", "what", "sha-256"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            str(r.id),
            f"{r.at:%Y-%m-%d %H:%M}",
            r.recipient_kind,
            r.recipient_id,
            r.purpose,
            ",".join(r.categories),
            _what(r),
            (r.file_sha256 or "")[:16],
        )
    console.print(table)


@app.command("recipients")
def recipients_cmd() -> None:
    """Registered third parties and authorities (processors: `imbplus processors list`)."""
    rt = ready_runtime()
    try:
        with rt.sessions() as session:
            found = releases.recipients(session)
            rows = [(r.id, r.name, r.kind, r.agreement_ref) for r in found]
    finally:
        rt.dispose()
    table = Table(title="Recipients")
    for col in ("id", "name", "kind", "agreement or legal basis"):
        table.add_column(col)
    for row in rows:
        table.add_row(*row)
    console.print(table)


@app.command("add-recipient")
def add_recipient_cmd(
    recipient_id: str = typer.Option(..., "--id", help="A slug, e.g. market-research-co."),
    name: str = typer.Option(..., "--name"),
    kind: str = typer.Option(..., "--kind", help="third_party or authority."),
    agreement: str = typer.Option(
        ..., "--agreement", help="Data-sharing agreement, or the authority's legal basis."
    ),
) -> None:
    """Register a third party (it receives anonymized data only) or an authority."""
    rt = ready_runtime()
    try:
        with rt.job("disclosures", Purpose.SECURITY) as ctx:
            releases.add_recipient(ctx, recipient_id, name, kind, agreement)
    finally:
        rt.dispose()
    console.print(f"registered {kind} {recipient_id}")
