"""The order form shared by the portal and the staff console: one box and/or one package,
paid with a new card or a saved one. Builds the `OrderCreate` body; the card number and
CVV go straight into the schema's secret fields and are never echoed back to a page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Form


@dataclass(frozen=True)
class OrderForm:
    stb: str = ""
    package: str = ""
    card_number: str = ""
    exp_month: str = ""
    exp_year: str = ""
    cvv: str = ""
    save_card: bool = False
    card_id: str = ""

    @property
    def chosen(self) -> tuple[str, str]:
        """What to show again on a refused form (never the card)."""
        return self.stb, self.package

    def body(self, customer_id: str) -> dict[str, object] | None:
        """The order body, or None when neither a box nor a package was chosen."""
        lines = [{"product_id": p, "quantity": 1} for p in (self.stb, self.package) if p]
        if not lines:
            return None
        body: dict[str, object] = {"customer_id": customer_id, "lines": lines}
        if self.card_id:
            body["card_id"] = self.card_id
        else:
            body["card"] = {
                "number": self.card_number,
                "exp_month": _int(self.exp_month),
                "exp_year": _int(self.exp_year),
                "cvv": self.cvv,
                "save": self.save_card,
            }
        return body


def _int(value: str) -> int | str:
    # ASCII digits only: `isdigit()` also holds for "²", which int() refuses with a ValueError.
    # Anything else stays text and the strict model refuses it, naming the field.
    digits = value.strip()
    return int(digits) if digits.isascii() and digits.isdigit() else value


Choice = Annotated[str, Form(max_length=100)]


def order_fields(
    stb: Choice = "",
    package: Choice = "",
    card_number: Annotated[str, Form(max_length=40)] = "",
    exp_month: Annotated[str, Form(max_length=4)] = "",
    exp_year: Annotated[str, Form(max_length=6)] = "",
    cvv: Annotated[str, Form(max_length=8)] = "",
    save_card: Annotated[bool, Form()] = False,
    card_id: Choice = "",
) -> OrderForm:
    """The order form's fields, as the portal and the console post them."""
    return OrderForm(stb, package, card_number, exp_month, exp_year, cvv, save_card, card_id)


OrderFields = Annotated[OrderForm, Depends(order_fields)]
