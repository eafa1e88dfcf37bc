"""Shipping labels (P10): recipient name, address, parcel id and its barcode. Nothing else:
no phone, no e-mail, no order content, no account or customer id."""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A6
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from imbplus import pdf


@dataclass(frozen=True)
class LabelData:
    parcel_id: str
    name: str
    street: str
    postal_code: str
    city: str

    def __repr__(self) -> str:
        return f"LabelData({self.parcel_id})"


def render_pdf(label: LabelData) -> bytes:
    pdf.fonts()
    buffer = io.BytesIO()
    width, height = A6
    c = Canvas(buffer, pagesize=A6, invariant=True)
    c.setTitle(f"Parcel {label.parcel_id}")
    c.setAuthor("IMB+")
    c.setLineWidth(1)
    c.rect(6 * mm, 6 * mm, width - 12 * mm, height - 12 * mm)
    y = height - 18 * mm
    c.setFont(pdf.REGULAR, 8)
    c.drawString(10 * mm, y, pdf.text("Odbiorca / Recipient"))
    c.setFont(pdf.BOLD, 13)
    for i, line in enumerate((label.name, label.street, f"{label.postal_code} {label.city}")):
        c.drawString(10 * mm, y - (8 + 7 * i) * mm, pdf.text(line))
    barcode = Code128(label.parcel_id, barHeight=22 * mm, barWidth=0.42 * mm, quiet=False)
    bx = (width - barcode.width) / 2
    barcode.drawOn(c, bx, 26 * mm)
    c.setFont(pdf.BOLD, 12)
    c.drawCentredString(width / 2, 18 * mm, label.parcel_id)
    c.showPage()
    c.save()
    return buffer.getvalue()
