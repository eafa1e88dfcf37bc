"""Numbers typed into HTML forms: digits other than ASCII ("²", full-width "２") are refused
with the form's 422 page naming the field, never a 500, on the portal and the console."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from imbplus.runtime import Runtime
from tests.billing.test_console import _phone_order
from tests.portal.test_pages import portal_login
from tests.shop.test_portal_pages import _order, _orders
from tests.staff.test_console import choose, login
from tests.support.factories import make_customer, make_staff, make_subscriber
from tests.support.shop import VISA, setup_shop

ODD_DIGITS = [("²", "2030"), ("12", "２０３０"), ("1²", "2030"), ("٣", "2030")]


@pytest.mark.parametrize(("month", "year"), ODD_DIGITS)
def test_card_expiry_in_other_digits_is_a_422_in_the_portal(
    client: TestClient, rt: Runtime, month: str, year: str
) -> None:
    setup_shop(rt)
    portal_login(client, make_subscriber(rt).email)
    refused = _order(client, exp_month=month, exp_year=year)
    assert refused.status_code == 422  # type: ignore[attr-defined]
    # the field by its label, never by its name in the code
    assert re.search("(Miesiąc|Rok) ważności karty", refused.text)  # type: ignore[attr-defined]
    assert "card.exp_" not in refused.text  # type: ignore[attr-defined]
    assert _orders(rt) == 0


@pytest.mark.parametrize(("month", "year"), ODD_DIGITS)
def test_card_expiry_in_other_digits_is_a_422_in_the_console(
    client: TestClient, rt: Runtime, month: str, year: str
) -> None:
    setup_shop(rt)
    customer = make_customer(rt)
    login(client, make_staff(rt, "billing")[0].username)
    choose(client, "billing")
    card = {"card_number": VISA, "exp_month": month, "exp_year": year, "cvv": "902"}
    url, data = _phone_order(client, customer.id, package="pkg-family", **card)
    refused = client.post(url, data=data)
    assert refused.status_code == 422 and "card.exp_" in refused.text
    assert _orders(rt) == 0
