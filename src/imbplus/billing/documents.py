"""Invoice documents: HTML (server-rendered, own CSS) and PDF (reportlab).

Both show what art. 106e of the Polish VAT act asks of an invoice: the number, the dates of
issue and of sale (or the service period), seller and buyer with their addresses and NIP
(the buyer's where given), per line the name, quantity, unit, net unit price, net value and
VAT rate, the totals per VAT rate, and what was paid and what is still due. Both take their
words from one `InvoiceView`, so the page and the PDF cannot say different things.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from jinja2 import Environment
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from imbplus import pdf
from imbplus.billing.periods import pl_date, pl_span, whole_month
from imbplus.billing.schemas import Buyer, InvoiceRead, Seller
from imbplus.clock import local_day
from imbplus.money import pln
from imbplus.seller import nip_label

LINE_HEADER = (
    "Lp.",
    "Nazwa towaru lub usługi",
    "Ilość",
    "J.m.",
    "Cena jedn. netto",
    "Wartość netto",
    "Stawka VAT",
    "Kwota VAT",
    "Wartość brutto",
)
RATE_HEADER = ("Stawka VAT", "Wartość netto", "Kwota VAT", "Wartość brutto")


def vat_label(bp: int) -> str:
    return f"{bp / 100:g}%"


def seller_lines(seller: Seller) -> tuple[str, ...]:
    return (
        seller.name,
        seller.street,
        f"{seller.postal_code} {seller.city}",
        f"NIP: {nip_label(seller.nip)}",
    )


def buyer_lines(buyer: Buyer) -> tuple[str, ...]:
    address = (buyer.name, buyer.street, f"{buyer.postal_code} {buyer.city}")
    return (*address, f"NIP: {nip_label(buyer.nip)}") if buyer.nip else address


def _dates(invoice: InvoiceRead) -> tuple[tuple[str, str], ...]:
    issued = pl_date(local_day(invoice.issued_at))
    if invoice.kind == "subscription" and invoice.period:
        month = whole_month(0, invoice.period)
        sale = ("Okres świadczenia usługi", pl_span(month.start, month.end))
    else:
        sale = ("Data sprzedaży", issued)
    return (
        ("Data wystawienia", issued),
        sale,
        ("Termin płatności", pl_date(invoice.due_date)),
        ("Sposób płatności", "karta płatnicza"),
    )


def _settlement(invoice: InvoiceRead) -> tuple[str, ...]:
    paid = f"Zapłacono: {pln(invoice.amount_paid)}"
    if invoice.paid_at is not None and invoice.amount_paid:
        paid += f" (kartą, {pl_date(local_day(invoice.paid_at))})"
    return (paid, f"Do zapłaty: {pln(invoice.amount_due)}")


@dataclass(frozen=True)
class InvoiceView:
    """The words of an invoice document; every amount and date in Polish formats."""

    title: str
    dates: tuple[tuple[str, str], ...]
    seller: tuple[str, ...]
    buyer: tuple[str, ...]
    lines: tuple[tuple[str, ...], ...]
    totals: tuple[str, ...]
    rates: tuple[tuple[str, ...], ...]
    settlement: tuple[str, ...]
    kept: str


def view(invoice: InvoiceRead) -> InvoiceView:
    lines = tuple(
        (
            str(ln.position),
            ln.description,
            str(ln.quantity),
            ln.unit,
            pln(ln.unit_net),
            pln(ln.net),
            vat_label(ln.vat_rate_bp),
            pln(ln.vat),
            pln(ln.gross),
        )
        for ln in invoice.lines
    )
    rates = tuple(
        (vat_label(r.vat_rate_bp), pln(r.net), pln(r.vat), pln(r.gross)) for r in invoice.vat_rates
    )
    return InvoiceView(
        title=f"Faktura VAT nr {invoice.number}",
        dates=_dates(invoice),
        seller=seller_lines(invoice.seller),
        buyer=buyer_lines(invoice.buyer),
        lines=lines,
        totals=("Razem", pln(invoice.net_total), pln(invoice.vat_total), pln(invoice.gross_total)),
        rates=rates,
        settlement=_settlement(invoice),
        kept="Faktura przechowywana przez 5 lat od końca roku wystawienia (przepisy "
        f"podatkowe), do {pl_date(invoice.retain_until)}.",
    )


def render_html(env: Environment, invoice: InvoiceRead, back: str | None = None) -> str:
    """`back`: the page's link to the list of invoices it was opened from."""
    template = env.get_template("documents/invoice.html")
    return template.render(
        invoice=invoice,
        doc=view(invoice),
        line_header=LINE_HEADER,
        rate_header=RATE_HEADER,
        back=back,
    )


# -- PDF -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Styles:
    base: ParagraphStyle
    head: ParagraphStyle
    bold: ParagraphStyle
    cell: ParagraphStyle
    cell_head: ParagraphStyle
    num: ParagraphStyle
    num_head: ParagraphStyle


def _styles() -> _Styles:
    base = ParagraphStyle("base", fontName=pdf.REGULAR, fontSize=9.5, leading=13)
    head = ParagraphStyle("head", parent=base, fontName=pdf.BOLD, fontSize=15, leading=19)
    bold = ParagraphStyle("bold", parent=base, fontName=pdf.BOLD)
    cell = ParagraphStyle("cell", parent=base, fontSize=8, leading=10)
    cell_head = ParagraphStyle("cell_head", parent=cell, fontName=pdf.BOLD)
    num = ParagraphStyle("num", parent=cell, alignment=TA_RIGHT)
    num_head = ParagraphStyle("num_head", parent=cell_head, alignment=TA_RIGHT)
    return _Styles(base, head, bold, cell, cell_head, num, num_head)


def _lines(*values: str) -> str:
    """Values as paragraph markup, one per line; every value is escaped."""
    return "<br/>".join(pdf.markup(value) for value in values)


def _parties(doc: InvoiceView, st: _Styles) -> Table:
    return Table(
        [
            [Paragraph(_lines("Sprzedawca"), st.bold), Paragraph(_lines("Nabywca"), st.bold)],
            [Paragraph(_lines(*doc.seller), st.base), Paragraph(_lines(*doc.buyer), st.base)],
        ],
        colWidths=[87 * mm, 87 * mm],
    )


def _row(
    cells: tuple[str, ...], first_num: int, text: ParagraphStyle, num: ParagraphStyle
) -> list[Flowable]:
    return [Paragraph(_lines(c), num if i >= first_num else text) for i, c in enumerate(cells)]


def _grid(
    header: tuple[str, ...],
    rows: tuple[tuple[str, ...], ...],
    footer: tuple[str, ...],
    widths: list[int],
    st: _Styles,
    first_num: int,
) -> Table:
    """A table whose every cell is an escaped Paragraph (long names wrap); columns from
    `first_num` on are right-aligned."""
    body = [_row(header, first_num, st.cell_head, st.num_head)]
    body += [_row(row, first_num, st.cell, st.num) for row in rows]
    body.append(_row(footer, first_num, st.cell_head, st.num_head))
    table = Table(body, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _items(doc: InvoiceView, st: _Styles) -> Table:
    footer = ("", doc.totals[0], "", "", "", doc.totals[1], "", *doc.totals[2:])
    widths = [8, 46, 11, 10, 20, 21, 14, 20, 24]
    return _grid(LINE_HEADER, doc.lines, footer, widths, st, first_num=2)


def _rates(doc: InvoiceView, st: _Styles) -> Table:
    return _grid(RATE_HEADER, doc.rates, doc.totals, [30, 30, 30, 30], st, first_num=1)


def _story(doc: InvoiceView, st: _Styles) -> list[Flowable]:
    dates = (f"{label}: {value}" for label, value in doc.dates)
    return [
        Paragraph(_lines(doc.title), st.head),
        Paragraph(_lines(*dates), st.base),
        Spacer(1, 6 * mm),
        _parties(doc, st),
        Spacer(1, 6 * mm),
        _items(doc, st),
        Spacer(1, 5 * mm),
        Paragraph(_lines("Podsumowanie według stawek VAT"), st.bold),
        _rates(doc, st),
        Spacer(1, 5 * mm),
        Paragraph(_lines(*doc.settlement), st.bold),
        Spacer(1, 3 * mm),
        Paragraph(_lines(doc.kept), st.base),
    ]


def render_pdf(invoice: InvoiceRead) -> bytes:
    pdf.fonts()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
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
    document.build(_story(view(invoice), _styles()))
    return buffer.getvalue()


def pdf_name(invoice: InvoiceRead) -> str:
    return invoice.number.replace("/", "-") + ".pdf"
