"""The yearly regulatory report (P03 `regulatory_compliance`): subscribers, boxes and their
activity by voivodeship, for the regulator, with small-cell suppression.

Three tables, each voivodeship by a breakdown, with row and column totals:
* subscribers by package: customers (active, joined by the year's end) with an active
  package, by the voivodeship of their postal code (`anonymize.postal`);
* boxes by model: boxes belonging to those customers, registered by the year's end;
* active boxes by quarter: boxes that posted activity in each quarter of the year.

Every cell counts the people it is made from; a cell of 1 to threshold - 1 people is
suppressed, and so is a partner in each row and column that would give it away
(`suppression.py`). The canary subject (`compliance/canary.py`) is left out of every
figure. The report is refused if what would be published breaks either rule. The CSV and
the PDF are written beside their targets and renamed once the disclosure register holds
the hand-over to the authority: legal basis, categories counted, people, the CSV's SHA-256
(the PDF's in the reference).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from imbplus.anonymize import csvio
from imbplus.anonymize.postal import VOIVODESHIPS
from imbplus.clock import clock
from imbplus.compliance import canary, regulatory_files
from imbplus.compliance.suppression import Cell, Position, problems, suppress
from imbplus.customers import service as customers
from imbplus.devices import pseudonyms
from imbplus.errors import NotFound, ValidationFailed
from imbplus.privacy import releases
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category
from imbplus.privacy.disclosure import AUTHORITY, Disclosure
from imbplus.shop import subscriptions
from imbplus.telemetry import release as telemetry_release
from imbplus.telemetry.store import Store

UNKNOWN = "?"  # a postal code with no voivodeship
REGIONS = sorted(set(VOIVODESHIPS.values()))
QUARTERS = ("Q1", "Q2", "Q3", "Q4")
CATEGORIES = (Category.ADDRESS, Category.STB_DEVICE, Category.STB_ACTIVITY)
OPERATION = "report.regulatory"
Step = Callable[[str], None]


@dataclass
class Table:
    """One table: rows (voivodeships) by columns, and who each cell counts."""

    key: str
    columns: list[str]
    rows: list[str] = field(default_factory=list)
    grid: list[list[Cell]] = field(default_factory=list)  # with the margins
    hidden: set[Position] = field(default_factory=set)


@dataclass(frozen=True)
class Report:
    year: int
    threshold: int
    tables: list[Table]
    people: int
    made_at: datetime


@dataclass(frozen=True)
class Written:
    disclosure_id: int
    csv: Path
    pdf: Path
    csv_sha256: str
    pdf_sha256: str
    people: int
    suppressed: int


def _region(code: str) -> str:
    return VOIVODESHIPS.get(code[:2], UNKNOWN) if len(code) >= 2 else UNKNOWN


def _table(key: str, columns: list[str], facts: list[tuple[str, str, str]]) -> Table:
    """`facts`: (person, row, column) per thing counted; a cell counts things and people."""
    rows = list(REGIONS) + ([UNKNOWN] if any(f[1] == UNKNOWN for f in facts) else [])
    r_at = {r: i for i, r in enumerate(rows)}
    c_at = {c: i for i, c in enumerate(columns)}
    R, C = len(rows), len(columns)
    counts = [[0] * (C + 1) for _ in range(R + 1)]
    people: list[list[set[str]]] = [[set() for _ in range(C + 1)] for _ in range(R + 1)]
    for person, row, column in facts:
        r, c = r_at[row], c_at[column]
        for rr, cc in ((r, c), (r, C), (R, c), (R, C)):
            counts[rr][cc] += 1
            people[rr][cc].add(person)
    grid = [[Cell(counts[r][c], len(people[r][c])) for c in range(C + 1)] for r in range(R + 1)]
    return Table(key, columns, rows, grid)


def _subscribers(ctx: Context, year_end: datetime, skip: set[str]) -> tuple[Table, dict[str, str]]:
    found = customers.postal_codes(ctx, operation=OPERATION)
    packages = subscriptions.active_packages(ctx.session)
    region = {cid: _region(code) for cid, code, joined in found if joined < year_end}
    counted = {cid: r for cid, r in region.items() if cid in packages and cid not in skip}
    facts = [(cid, r, packages[cid]) for cid, r in counted.items()]
    return _table("subscribers", sorted({f[2] for f in facts}), facts), counted


def _boxes(
    ctx: Context, store: Store, year: int, year_end: datetime, counted: dict[str, str]
) -> tuple[Table, Table]:
    owned = [
        (owner, model, p)
        for owner, model, p in pseudonyms.owned_boxes(ctx, year_end, operation=OPERATION)
        if owner in counted
    ]
    boxes = [(owner, counted[owner], model) for owner, model, _ in owned]
    active = telemetry_release.active_quarters(ctx, store, year)
    used = [
        (owner, counted[owner], QUARTERS[q - 1])
        for owner, _, p in owned
        for q in range(1, 5)
        if (p, q) in active
    ]
    return (
        _table("boxes", sorted({b[2] for b in boxes}), boxes),
        _table("activity", list(QUARTERS), used),
    )


def build(
    ctx: Context, store: Store, year: int, threshold: int, skip: set[str], step: Step
) -> Report:
    """Count, then suppress; `skip`: customers left out of every figure (the canary)."""
    if not 2000 <= year <= 2100:
        raise ValidationFailed([{"field": "year", "problem": "a year between 2000 and 2100"}])
    if not 2 <= threshold <= 1000:
        raise ValidationFailed([{"field": "threshold", "problem": "between 2 and 1000"}])
    year_end = datetime(year + 1, 1, 1, tzinfo=UTC)
    step("subscribers")
    subscribers, counted = _subscribers(ctx, year_end, skip)
    step("boxes")
    boxes, activity = _boxes(ctx, store, year, year_end, counted)
    step("suppression")
    tables = [subscribers, boxes, activity]
    for table in tables:
        if table.columns:
            table.hidden = suppress(table.grid, threshold)
            wrong = problems(table.grid, table.hidden, threshold)
            if wrong:  # a fault of this code, never of the data: nothing may go out
                raise RuntimeError(f"suppression of {table.key} does not hold: {wrong[:3]}")
    return Report(year, threshold, tables, len(counted), clock.now())


def left_out(ctx: Context) -> set[str]:
    """Customers left out of every figure: the canary subject, when planted."""
    found = canary.customer_id_in(ctx.platform, ctx.session)
    return {found} if found else set()


def _recipient(ctx: Context, recipient_id: str) -> releases.Recipient:
    to = releases.recipient(ctx.session, recipient_id)
    if to.kind != AUTHORITY:
        problem = "the regulatory report goes to a registered authority"
        raise ValidationFailed([{"field": "recipient", "problem": problem}])
    return to


def write(
    ctx: Context,
    store: Store,
    *,
    year: int,
    out_dir: Path,
    recipient_id: str,
    legal_basis: str,
    threshold: int,
    skip: set[str],
    step: Step = lambda _: None,
) -> Written:
    """Build the report, write `regulatory-YEAR.csv` and `.pdf` into `out_dir` and record
    the hand-over; a refusal leaves no file."""
    if not out_dir.parent.is_dir():
        problem = "a directory whose parent exists"
        raise ValidationFailed([{"field": "out", "problem": problem}])
    if not legal_basis.strip():
        raise ValidationFailed([{"field": "legal_basis", "problem": "required"}])
    to = _recipient(ctx, recipient_id)
    report = build(ctx, store, year, threshold, skip, step)
    step("files")
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path, pdf_path = out_dir / f"regulatory-{year}.csv", out_dir / f"regulatory-{year}.pdf"
    with csvio.staged([csv_path, pdf_path]) as (csv_temp, pdf_temp):
        csv_temp.write_bytes(regulatory_files.csv_bytes(report))
        pdf_temp.write_bytes(regulatory_files.pdf_bytes(report, to.name))
        csv_sha = hashlib.sha256(csv_temp.read_bytes()).hexdigest()
        pdf_sha = hashlib.sha256(pdf_temp.read_bytes()).hexdigest()
        step("register")
        row_id = releases.disclose(
            ctx,
            to,
            releases.Release(
                dataset=releases.REGULATORY_REPORT,
                categories=CATEGORIES,
                fields=("voivodeship", "subscribers", "boxes", "active_boxes"),
                subject_count=report.people,
                file_sha256=csv_sha,
            ),
            legal_basis=legal_basis.strip(),
            reference=f"regulatory report {year}; pdf {pdf_sha}",
        )
    hidden = sum(len(t.hidden) for t in report.tables)
    return Written(row_id, csv_path, pdf_path, csv_sha, pdf_sha, report.people, hidden)


def reports(ctx: Context, limit: int = 50) -> list[Disclosure]:
    """The regulatory reports handed over so far, newest first (the register's rows)."""
    ctx.check(Action.READ, {Category.AUDIT_RECORD}, operation="report.regulatory.list")
    return list(
        ctx.session.execute(
            select(Disclosure)
            .where(Disclosure.dataset == releases.REGULATORY_REPORT)
            .order_by(Disclosure.id.desc())
            .limit(limit)
        ).scalars()
    )


def stored_file(ctx: Context, root: Path, disclosure_id: int, suffix: str) -> tuple[str, bytes]:
    """A report's file as kept under `root/ID/`, once its hash matches the register's."""
    ctx.check(Action.READ, {Category.AUDIT_RECORD}, operation="report.regulatory.download")
    row = ctx.session.get(Disclosure, disclosure_id)
    if row is None or row.dataset != releases.REGULATORY_REPORT or suffix not in ("csv", "pdf"):
        raise NotFound("no regulatory report with this id", report=str(disclosure_id))
    folder = root / str(row.id)
    found = sorted(folder.glob(f"regulatory-*.{suffix}")) if folder.is_dir() else []
    expected = row.file_sha256 if suffix == "csv" else row.reference.rpartition(" ")[2]
    for path in found:
        content = path.read_bytes()
        if hashlib.sha256(content).hexdigest() == expected:
            return path.name, content
    raise NotFound("the report's file is not kept here, or it changed", report=str(row.id))
