"""The seller named on every invoice (art. 106e of the Polish VAT act: name, address, NIP),
as settings: a module of its own below the settings object, which inherits its fields. The
seller is also the controller of personal data that the privacy policy page names (GDPR
art. 13(1)(a)), with the data protection officer's e-mail address (art. 13(1)(b)).

The values are settings (`IMBPLUS_SELLER_*`); each invoice keeps a copy made when it was
issued, so a later change of address does not rewrite issued invoices. The defaults are a
fictitious company whose NIP passes the checksum: an invoice with that NIP says it is a
demo value.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field

DEMO_NIP = "1234563218"
_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)


def nip_digits(value: str) -> str:
    """'PL 123-456-32-18' -> '1234563218' (spaces, dashes and the PL prefix dropped)."""
    compact = value.replace(" ", "").replace("-", "").upper()
    return compact.removeprefix("PL")


def nip_valid(value: str) -> bool:
    digits = nip_digits(value)
    if len(digits) != 10 or not (digits.isascii() and digits.isdigit()):
        return False
    check = sum(int(d) * w for d, w in zip(digits, _WEIGHTS, strict=False)) % 11
    return check != 10 and check == int(digits[9])


def nip_label(value: str) -> str:
    """'1234563218' -> '123-456-32-18', marked when it is the demo value."""
    d = nip_digits(value)
    shown = f"{d[:3]}-{d[3:6]}-{d[6:8]}-{d[8:]}" if len(d) == 10 else value
    return f"{shown} (przykładowy – dane demonstracyjne)" if d == DEMO_NIP else shown


def _nip(value: str) -> str:
    if not nip_valid(value):
        raise ValueError("not a valid Polish NIP (10 digits, checksum)")
    return nip_digits(value)


Nip = Annotated[str, AfterValidator(_nip)]


class SellerSettings(BaseModel):
    """The seller fields of the one settings object (`Settings` inherits them)."""

    seller_name: str = Field(
        default="IMB+ Telewizja sp. z o.o. (firma przykładowa)",
        min_length=1,
        max_length=200,
        description="Seller's name on invoices (the default is a fictitious demo company).",
    )
    seller_street: str = Field(
        default="ul. Przykładowa 1",
        min_length=1,
        max_length=200,
        description="Seller's street and number on invoices.",
    )
    seller_postal_code: str = Field(
        default="00-001",
        pattern=r"^[0-9]{2}-[0-9]{3}$",
        description="Seller's postal code on invoices.",
    )
    seller_city: str = Field(
        default="Warszawa", min_length=1, max_length=100, description="Seller's city."
    )
    seller_nip: Nip = Field(
        default=DEMO_NIP,
        description="Seller's NIP (checksum checked). The default is an example number; "
        "invoices that carry it say it is a demo value.",
    )

    dpo_email: str = Field(
        default="iod@imb-iptv.example",
        min_length=3,
        max_length=200,
        description="E-mail address of the data protection officer, shown on the privacy "
        "policy page (GDPR art. 13(1)(b)); letters go to the seller's address.",
    )
