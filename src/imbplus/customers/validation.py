"""Normalisers for personal fields. Errors name the rule, never echo the value."""

from __future__ import annotations

import re
import unicodedata

from email_validator import EmailNotValidError, validate_email

POSTAL_CODE = re.compile(r"^[0-9]{2}-[0-9]{3}$")
_PHONE_CHARS = re.compile(r"[\s\-().]")


def _no_controls(value: str) -> bool:
    return not any(unicodedata.category(ch) in {"Cc", "Cs"} for ch in value)


def text(value: str, *, max_len: int, min_len: int = 1) -> str:
    value = unicodedata.normalize("NFC", value).strip()
    if len(value) < min_len:
        raise ValueError("must not be empty")
    if len(value) > max_len:
        raise ValueError(f"at most {max_len} characters")
    if not _no_controls(value):
        raise ValueError("control characters are not allowed")
    return value


def has_word(value: str) -> str:
    if not re.search(r"[^\W_]", value):
        raise ValueError("give at least one word of the name")
    return value


def email(value: str) -> str:
    if len(value) > 254:
        raise ValueError("at most 254 characters")
    try:
        result = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise ValueError("not a valid e-mail address") from None
    return result.normalized.lower()


def phone(value: str) -> str:
    """Polish numbers (9 digits, optional +48 / 0048) or any E.164 number -> E.164."""
    digits = _PHONE_CHARS.sub("", value.strip())
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if re.fullmatch(r"[1-9][0-9]{8}", digits):
        digits = "+48" + digits
    if digits.startswith("+48") and not re.fullmatch(r"\+48[1-9][0-9]{8}", digits):
        raise ValueError("a Polish number has 9 digits, the first not 0")
    if not re.fullmatch(r"\+[1-9][0-9]{6,14}", digits):
        raise ValueError("not a valid phone number (e.g. +48 600 123 456)")
    return digits


def postal_code(value: str) -> str:
    value = value.strip()
    if not POSTAL_CODE.match(value):
        raise ValueError("postal code must look like NN-NNN")
    return value


def mask_email(value: str) -> str:
    local, _, domain = value.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_phone(value: str) -> str:
    return f"{value[:3]} *** *** {value[-3:]}" if len(value) > 6 else "***"


def mask_name(value: str) -> str:
    parts = value.split()
    if not parts:
        return "***"
    return " ".join(p[:1] + "***" for p in parts)
