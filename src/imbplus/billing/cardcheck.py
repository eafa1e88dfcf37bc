"""Card number checks (P20): digits, brand, length, Luhn, expiry, CVV shape.

Error messages name the rule that failed and never contain the number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

_SEPARATORS = re.compile(r"[ -]")
BRAND_LENGTHS: dict[str, tuple[int, ...]] = {
    "visa": (13, 16, 19),
    "mastercard": (16,),
    "amex": (15,),
}


@dataclass(frozen=True)
class CheckedCard:
    """A validated card, alive only for the request that authorizes it. Its repr and
    str are masked so that no log line or traceback can carry the number or the CVV."""

    pan: str
    brand: str
    exp_month: int
    exp_year: int
    cvv: str

    @property
    def masked(self) -> str:
        return mask(self.pan)

    @property
    def expiry(self) -> str:
        return f"{self.exp_month:02d}/{self.exp_year:04d}"

    def __repr__(self) -> str:
        return f"CheckedCard({self.brand} {self.masked})"

    __str__ = __repr__


def digits_of(number: str) -> str:
    digits = _SEPARATORS.sub("", number.strip())
    if not digits.isdigit() or not digits.isascii():
        raise ValueError("a card number has only digits (spaces and dashes are ignored)")
    return digits


def brand_of(digits: str) -> str | None:
    if digits.startswith("4"):
        return "visa"
    if digits[:2] in ("34", "37"):
        return "amex"
    prefix2, prefix4 = int(digits[:2] or 0), int(digits[:4] or 0)
    if 51 <= prefix2 <= 55 or 2221 <= prefix4 <= 2720:
        return "mastercard"
    return None


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def check_number(number: str) -> tuple[str, str]:
    """(digits, brand), or ValueError naming the rule."""
    digits = digits_of(number)
    brand = brand_of(digits)
    if brand is None:
        raise ValueError("unknown card brand (accepted: visa, mastercard, amex)")
    if len(digits) not in BRAND_LENGTHS[brand]:
        lengths = " or ".join(str(n) for n in BRAND_LENGTHS[brand])
        raise ValueError(f"a {brand} card number has {lengths} digits")
    if not luhn_ok(digits):
        raise ValueError("not a valid card number (check digit)")
    return digits, brand


def check_expiry(month: int, year: int, now: datetime) -> None:
    if not 1 <= month <= 12:
        raise ValueError("month must be 1-12")
    if (year, month) < (now.year, now.month):
        raise ValueError("the card has expired")
    if year > now.year + 20:
        raise ValueError("expiry year too far in the future")


def check_cvv(cvv: str, brand: str) -> None:
    wanted = 4 if brand == "amex" else 3
    if len(cvv) != wanted or not cvv.isdigit() or not cvv.isascii():
        raise ValueError(f"the security code of a {brand} card has {wanted} digits")


def mask(digits: str) -> str:
    """First six and last four digits; the rest hidden."""
    return digits[:6] + "*" * (len(digits) - 10) + digits[-4:]
