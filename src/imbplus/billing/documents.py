"""Invoice documents: HTML (server-rendered, own CSS) and PDF (reportlab)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from jinja2 import Environment
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from imbplus import pdf
from imbplus.billing.money import pln
from imbplus.billing.schemas import InvoiceRead

SELLER = (
    "IMB+ sp. z o.o.",
    "ul. Przykładowa 1",
    "00-001 Warszawa",
    "NIP 000-000-00-00 (dane przykładowe)",
)


def vat_label(bp: int) -> str:
    return f"{bp / 100:g}%"


def render_html(env: Environment, invoice: InvoiceRead) -> str:
    template = env.get_template("documents/invoice.html")
    return template.render(invoice=invoice, seller=SELLER, pln=pln, vat_label=vat_label)


@dataclass(frozen=True)
class _Styles:
    base: ParagraphStyle
    head: ParagraphStyle
    bold: ParagraphStyle


def _styles() -> _Styles:
    base = ParagraphStyle("base", fontName=pdf.REGULAR, fontSize=9.5, leading=13)
    head = ParagraphStyle("head", parent=base, fontName=pdf.BOLD, fontSize=15, leading=19)
    return _Styles(base, head, ParagraphStyle("bold", parent=base, fontName=pdf.BOLD))


def _lines(*values: str) -> str:
    """Values as paragraph markup, one per line; every value is escaped."""
    return "<br/>".join(pdf.markup(value) for value in values)


def _parties(invoice: InvoiceRead, st: _Styles) -> Table:
    buyer = invoice.buyer
    return Table(
        [
            [Paragraph(_lines("Sprzedawca"), st.bold), Paragraph(_lines("Nabywca"), st.bold)],
            [
                Paragraph(_lines(*SELLER), st.base),
                Paragraph(
                    _lines(buyer.name, buyer.street, f"{buyer.postal_code} {buyer.city}"),
                    st.base,
                ),
            ],
        ],
        colWidths=[87 * mm, 87 * mm],
    )


def _items(invoice: InvoiceRead, st: _Styles) -> Table:
    t = pdf.text  # plain table cells are drawn literally; only Paragraphs read markup
    header = ["Lp.", "Nazwa", "Ilość", "Cena brutto", "VAT", "Netto", "Kwota VAT", "Brutto"]
    rows: list[list[str | Paragraph]] = [[t(cell) for cell in header]]
    for line in invoice.lines:
        rows.append(
            [
                str(line.position),
                Paragraph(_lines(line.description), st.base),
                str(line.quantity),
                t(pln(line.unit_gross)),
                vat_label(line.vat_rate_bp),
                t(pln(line.net)),
                t(pln(line.vat)),
                t(pln(line.gross)),
            ]
        )
    totals = (invoice.net_total, invoice.vat_total, invoice.gross_total)
    rows.append(["", "Razem", "", "", "", *(t(pln(amount)) for amount in totals)])
    table = Table(
        rows,
        colWidths=[9 * mm, 55 * mm, 12 * mm, 22 * mm, 12 * mm, 22 * mm, 20 * mm, 22 * mm],
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), pdf.REGULAR),
                ("FONTNAME", (0, 0), (-1, 0), pdf.BOLD),
                ("FONTNAME", (0, -1), (-1, -1), pdf.BOLD),
                ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def render_pdf(invoice: InvoiceRead) -> bytes:
    pdf.fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"Faktura {invoice.number}",
        author="IMB+",
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        invariant=True,
    )
    st = _styles()
    dates = (
        f"Data wystawienia: {invoice.issued_at:%Y-%m-%d} · "
        f"Termin płatności: {invoice.due_date:%Y-%m-%d}"
        + (f" · Okres: {invoice.period}" if invoice.period else "")
    )
    status = "opłacona" if invoice.status == "paid" else "do zapłaty"
    doc.build(
        [
            Paragraph(_lines(f"Faktura VAT {invoice.number}"), st.head),
            Paragraph(_lines(dates), st.base),
            Spacer(1, 6 * mm),
            _parties(invoice, st),
            Spacer(1, 6 * mm),
            _items(invoice, st),
            Spacer(1, 6 * mm),
            Paragraph(
                _lines(f"Do zapłaty: {pln(invoice.gross_total)} · Status: {status}"), st.bold
            ),
            Spacer(1, 3 * mm),
            Paragraph(
                _lines(
                    "Faktura przechowywana przez 5 lat od końca roku wystawienia (przepisy "
                    f"podatkowe), do {invoice.retain_until:%Y-%m-%d}."
                ),
                st.base,
            ),
        ]
    )
    return buffer.getvalue()


def pdf_name(invoice: InvoiceRead) -> str:
    return invoice.number.replace("/", "-") + ".pdf"
