"""Form problems in the reader's language.

Validators (pydantic and our own) describe a broken rule in English for the API and the
logs. A page shows the catalogue's text of that rule instead: `problem.<field>.<rule>`
when the field has its own wording (`problem.postal_code.format`: "Kod pocztowy w formacie
00-950"), else `problem.<rule>`, else `problem.invalid`. A field is named by its label
(`field.<path>` or `field.<last part>`), never by its path in the code.
"""

from __future__ import annotations

import re

from imbplus.web import i18n

# (English text of a rule as validators word it, the rule's name); values in the text are
# captured by name and passed to the message
_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(f"^(?:{pattern})$"), rule)
    for pattern, rule in (
        (r"required|must not be empty|an answer is required", "required"),
        (r"too long", "too_long"),
        (r"at most (?P<max>\d+) characters", "max_chars"),
        (r"too short", "too_short"),
        (r"at least (?P<min>\d+) characters", "min_chars"),
        (r"wrong format \(blank, or control characters\)", "format"),
        (r"postal code must look like NN-NNN", "postal_code"),
        (r"control characters are not allowed", "control"),
        (r"must be an integer|must be a whole number|int_parsing", "whole_number"),
        (r"too small", "too_small"),
        (r"too large", "too_large"),
        (r"between (?P<low>-?\d+) and (?P<high>-?\d+)", "range"),
        (r"too few distinct characters", "too_simple"),
        (r"4 to 8 digits", "digits"),
        (r"too easy to guess.*", "too_easy"),
        (r"give a pin, a password or both", "pin_or_password"),
        (r"the two passwords differ", "mismatch"),
        (r"the current password is wrong", "wrong_password"),
        (r"not a valid e-mail address", "email"),
        (r"a Polish number has 9 digits.*|not a valid phone number.*", "phone"),
        (r"a card number has only digits.*", "card_digits"),
        (r"unknown card brand.*", "card_brand"),
        (r"a \w+ card number has .* digits", "card_length"),
        (r"not a valid card number.*", "card_check"),
        (r"month must be 1-12", "month"),
        (r"the card has expired", "expired"),
        (r"expiry year too far in the future", "year_far"),
        (r"the security code of a \w+ card has (?P<digits>\d+) digits", "cvv"),
        (r"the security code has 3 or 4 digits", "cvv_digits"),
        (r"a card number has at most 19 digits", "card_length"),
        (r"give exactly one of card or card_id", "card_or_saved"),
        (r"not one of the (?:options|age bands|company sizes)", "option"),
        (r"unknown (?:package|voivodeship)", "unknown"),
        (r"choose one option", "one_option"),
        (r"Input should be .*", "option"),
        (r"must be confirmed", "confirm"),
        (r"one answer only", "one_answer"),
        (r"answer at least one question", "answer_one"),
        (r"give at least one word of the name", "name_word"),
    )
)
MISMATCH = "the two passwords differ"
WRONG_PASSWORD = "the current password is wrong"  # noqa: S105 - a rule, not a secret


def rule(raw: str) -> tuple[str, dict[str, str]]:
    """The rule a validator's English text names, and the values it carries."""
    for pattern, name in _RULES:
        found = pattern.match(raw.strip())
        if found:
            return name, found.groupdict()
    return "invalid", {}


def _names(field: str) -> tuple[str, ...]:
    last = field.rsplit(".", 1)[-1]
    return (field,) if last == field else (field, last)


def text(lang: str, field: str, raw: str) -> str:
    """The catalogue's text of a problem with `field`, in `lang` (never the English rule)."""
    name, values = rule(raw)
    keys = [f"problem.{f}.{name}" for f in _names(field)] + [f"problem.{name}"]
    for key in keys:
        if i18n.has(key, lang):
            return i18n.translate(lang, key, **values)
    return i18n.translate(lang, "problem.invalid")


def label(lang: str, field: str) -> str:
    """The label a person knows a field by; a generic word for a field without one."""
    for name in _names(field):
        if i18n.has(f"field.{name}", lang):
            return i18n.translate(lang, f"field.{name}")
    return i18n.translate(lang, "field.other")


def described(lang: str, problems: list[dict[str, str]]) -> str:
    """'Rok ważności: karta straciła ważność; Kod CVV: …' for a one-line summary."""
    parts = [f"{label(lang, p['field'])}: {text(lang, p['field'], p['problem'])}" for p in problems]
    return "; ".join(dict.fromkeys(parts))
