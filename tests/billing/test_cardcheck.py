"""P20: card number checks and masking."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imbplus.billing.cardcheck import (
    CheckedCard,
    check_cvv,
    check_expiry,
    check_number,
    luhn_ok,
    mask,
)
from imbplus.billing.sandbox import _AUTH, _LATER


def _with_check_digit(body: str) -> str:
    for d in "0123456789":
        if luhn_ok(body + d):
            return body + d
    raise AssertionError


@given(st.text(alphabet="0123456789", min_size=14, max_size=14))
def test_p20_any_visa_with_its_check_digit_passes_and_masks(body: str) -> None:
    pan = _with_check_digit("4" + body)
    assert check_number(pan) == (pan, "visa")
    shown = mask(pan)
    assert shown[:6] == pan[:6] and shown[-4:] == pan[-4:] and set(shown[6:-4]) == {"*"}
    wrong = pan[:-1] + str((int(pan[-1]) + 1) % 10)
    with pytest.raises(ValueError, match="check digit"):
        check_number(wrong)


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("4111-1111-1111-1111x", "only digits"),
        ("6011111111111117", "brand"),
        ("37828224631000", "15 digits"),
        ("٤١١١١١١١١١١١١١١١", "only digits"),  # non-ASCII digits
    ],
)
def test_p20_bad_numbers_name_the_rule_not_the_value(number: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem) as refused:
        check_number(number)
    assert number not in str(refused.value)


def test_expiry_and_cvv_rules() -> None:
    now = datetime(2026, 11, 25, tzinfo=UTC)
    check_expiry(11, 2026, now)  # valid to the end of its month
    with pytest.raises(ValueError, match="expired"):
        check_expiry(10, 2026, now)
    check_cvv("1234", "amex")
    with pytest.raises(ValueError, match="3 digits"):
        check_cvv("1234", "visa")


def test_p20_a_checked_card_never_shows_its_number_or_cvv() -> None:
    card = CheckedCard("4242424242424242", "visa", 1, 2030, "902")
    assert "4242424242424242" not in repr(card) and "902" not in str(card)


def test_the_sandbox_test_numbers_are_valid_card_numbers() -> None:
    for pan in (*_AUTH, *_LATER):
        assert check_number(pan)[0] == pan
