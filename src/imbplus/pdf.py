"""PDF helpers shared by labels and invoices: a font with Polish letters, and text that
reportlab draws as written.

DejaVu Sans (Debian's fonts-dejavu-core) is embedded when present; otherwise Bitstream Vera,
which ships inside reportlab, after Polish letters are replaced by their base letters.

A reportlab `Paragraph` reads its text as markup (`<b>`, `<img src=...>`, `&amp;`), so any
value placed in one goes through `markup()`: a name like `A<B` then prints whole instead of
being cut, failing the document or embedding a file from the server. Canvas calls such as
`drawString` draw their text literally and take `text()`.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

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


def markup(value: str) -> str:
    """`value` as literal text inside reportlab paragraph markup, in the registered font.

    Folding comes first: it may turn compatibility forms such as U+FF1C into `<`."""
    return escape(text(value))
