"""The regulatory report as files: a CSV (one line per published cell) and a PDF, in Polish,
texts from the catalogues. A suppressed cell is published as `x`, never its value.

Every value is escaped where it goes: a CSV cell that a spreadsheet would read as a
formula is prefixed with `'`, and a PDF paragraph takes its text through `pdf.markup`.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from imbplus import pdf
from imbplus.web import i18n

if TYPE_CHECKING:
    from imbplus.compliance.regulatory import Report
    from imbplus.compliance.regulatory import Table as ReportTable

LANG = "pl"
SUPPRESSED = "x"
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _t(key: str, **values: object) -> str:
    return i18n.translate(LANG, key, **values)


def _safe(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA) else value


def _label(row: str) -> str:
    return _t("regulatory.unknown") if row == "?" else row


def cells(table: ReportTable) -> list[tuple[str, str, str]]:
    """(row, column, published value) of every cell, margins included."""
    rows = [*map(_label, table.rows), _t("regulatory.total")]
    columns = [*table.columns, _t("regulatory.total")]
    return [
        (
            row,
            column,
            SUPPRESSED if (r, c) in table.hidden else str(table.grid[r][c].value),
        )
        for r, row in enumerate(rows)
        for c, column in enumerate(columns)
    ]


def csv_bytes(report: Report) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([_t(f"regulatory.head.{k}") for k in ("table", "region", "column", "value")])
    for table in report.tables:
        name = _t(f"regulatory.table.{table.key}")
        for row, column, value in cells(table) if table.columns else []:
            writer.writerow([_safe(name), _safe(row), _safe(column), value])
    return out.getvalue().encode("utf-8")


def _grid(table: ReportTable, style: ParagraphStyle) -> Table:
    rows = [*map(_label, table.rows), _t("regulatory.total")]
    columns = [*table.columns, _t("regulatory.total")]
    body = [[Paragraph(pdf.markup(v), style) for v in [_t("regulatory.head.region"), *columns]]]
    for r, row in enumerate(rows):
        values = [
            SUPPRESSED if (r, c) in table.hidden else str(table.grid[r][c].value)
            for c in range(len(columns))
        ]
        body.append([Paragraph(pdf.markup(v), style) for v in [row, *values]])
    width = (180 - 45) / len(columns)
    grid = Table(body, colWidths=[45 * mm, *[width * mm] * len(columns)], repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("BACKGROUND", (0, -1), (-1, -1), colors.whitesmoke),
            ]
        )
    )
    return grid


def pdf_bytes(report: Report, recipient: str) -> bytes:
    pdf.fonts()
    base = ParagraphStyle("base", fontName=pdf.REGULAR, fontSize=8, leading=10)
    head = ParagraphStyle("head", parent=base, fontName=pdf.BOLD, fontSize=14, leading=18)
    sub = ParagraphStyle("sub", parent=base, fontName=pdf.BOLD, fontSize=10, leading=14)
    story: list[Flowable] = [
        Paragraph(pdf.markup(_t("regulatory.title", year=report.year)), head),
        Paragraph(pdf.markup(_t("regulatory.recipient", name=recipient)), base),
        Paragraph(
            pdf.markup(_t("regulatory.made", day=i18n.format_day(report.made_at.date(), LANG))),
            base,
        ),
        Paragraph(pdf.markup(_t("regulatory.people", people=report.people)), base),
        Paragraph(pdf.markup(_t("regulatory.note")), base),
        Paragraph(pdf.markup(_t("regulatory.legend", threshold=report.threshold)), base),
    ]
    for table in report.tables:
        title = pdf.markup(_t(f"regulatory.table.{table.key}"))
        story += [Spacer(1, 5 * mm), Paragraph(title, sub)]
        if table.columns:
            story.append(_grid(table, base))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=pdf.text(_t("regulatory.title", year=report.year)),
        author="IMB+",
        invariant=True,
    )
    document.build(story)
    return buffer.getvalue()
