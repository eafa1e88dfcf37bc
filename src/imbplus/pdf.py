"""PDF helpers shared by labels and invoices: a font with Polish letters.

DejaVu Sans (Debian's fonts-dejavu-core) is embedded when present; otherwise Bitstream Vera,
which ships inside reportlab, after Polish letters are replaced by their base letters.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
REGULAR = "imb-sans"
BOLD = "imb-sans-bold"
_FOLD = str.maketrans("łŁ", "lL")


@cache
def fonts() -> bool:
    """Register the fonts once; True when they cover Polish letters."""
    regular, bold = _DEJAVU / "DejaVuSans.ttf", _DEJAVU / "DejaVuSans-Bold.ttf"
    full = regular.is_file() and bold.is_file()
    if not full:
        import reportlab

        base = Path(reportlab.__file__).parent / "fonts"
        regular, bold = base / "Vera.ttf", base / "VeraBd.ttf"
    pdfmetrics.registerFont(TTFont(REGULAR, str(regular)))
    pdfmetrics.registerFont(TTFont(BOLD, str(bold)))
    return full


def text(value: str) -> str:
    """`value` as the registered font can draw it."""
    if fonts():
        return value
    decomposed = unicodedata.normalize("NFKD", value.translate(_FOLD))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
