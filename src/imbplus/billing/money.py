"""Money in grosze (integers) and VAT from gross prices (Polish consumer prices are gross)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

VAT_STANDARD_BP = 2300  # 23% in basis points


def split_gross(gross: int, vat_rate_bp: int) -> tuple[int, int]:
    """(net, vat) of a gross amount; net rounded half up, vat = gross - net."""
    net = int(
        (Decimal(gross) * 10000 / Decimal(10000 + vat_rate_bp)).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        )
    )
    return net, gross - net


def pln(grosze: int) -> str:
    """12345 -> '123,45 zł' (Polish format with a narrow no-break space for thousands)."""
    sign = "-" if grosze < 0 else ""
    zl, gr = divmod(abs(grosze), 100)
    return f"{sign}{zl:,}".replace(",", "\u202f") + f",{gr:02d} zł"
