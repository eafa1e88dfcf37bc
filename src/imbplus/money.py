"""Money in grosze (integers) and VAT from gross prices (Polish consumer prices are gross)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_currency

VAT_STANDARD_BP = 2300  # 23% in basis points


def split_gross(gross: int, vat_rate_bp: int) -> tuple[int, int]:
    """(net, vat) of a gross amount; net rounded half up, vat = gross - net."""
    net = int(
        (Decimal(gross) * 10000 / Decimal(10000 + vat_rate_bp)).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        )
    )
    return net, gross - net


# the Babel locale and pattern of an amount per language: Polish "1 399,00 zł", English
# "PLN 1,399.00" (the code before the amount, as English texts write zloty prices)
_MONEY_FORMATS = {"pl": ("pl_PL", None), "en": ("en_GB", "\u00a4\u00a0#,##0.00")}


def format_money(grosze: int, lang: str = "pl") -> str:
    """12345 -> '123,45 zł' (pl) or 'PLN 123.45' (en), with no-break spaces: the one
    formatter of amounts on the site, the portal, the shop and the invoices."""
    locale, pattern = _MONEY_FORMATS.get(lang, _MONEY_FORMATS["pl"])
    amount = Decimal(grosze) / 100
    return format_currency(amount, "PLN", format=pattern, locale=locale, currency_digits=True)


def pln(grosze: int) -> str:
    """An amount on a Polish document (the VAT invoice): `format_money(grosze, "pl")`."""
    return format_money(grosze, "pl")
