"""The gettext catalogues: the same keys in Polish and English, every text non-empty, the
same placeholders, Polish plural forms, and every key the code names present in both."""

from __future__ import annotations

import re
import string
from datetime import date
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from imbplus.money import format_money
from imbplus.web import i18n, problems

ROOT = Path(__file__).resolve().parents[2]
# texts of data rows exist only where they are translated: the Polish one is the row itself
DATA_TEXTS = ("product.",)
KEYWORDS = {"_": None, "translate": (2,), "ntranslate": (2, 2), "_n": (1, 1)}


def _texts(lang: str) -> dict[str, tuple[str, ...]]:
    from babel.messages.pofile import read_po

    with i18n.catalogue_path(lang).open("rb") as po:
        catalogue = read_po(po, locale=i18n.BABEL_LOCALES[lang])
    found: dict[str, tuple[str, ...]] = {}
    for message in catalogue:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        text = message.string
        found[key] = (text,) if isinstance(text, str) else tuple(text)
    return found


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys_and_no_empty_text() -> None:
    polish, english = _texts("pl"), _texts("en")
    shared = {k for k in english if not k.startswith(DATA_TEXTS)}
    assert sorted(set(polish) ^ shared) == []
    for lang, texts in (("pl", polish), ("en", english)):
        empty = [key for key, forms in texts.items() if not all(f.strip() for f in forms)]
        assert empty == [], f"{lang}: {empty}"


def test_the_same_placeholders_in_both_languages() -> None:
    polish, english = _texts("pl"), _texts("en")
    differ = [
        key
        for key in polish
        if {f for t in polish[key] for f in _fields(t)}
        != {f for t in english[key] for f in _fields(t)}
    ]
    assert differ == []


def test_polish_has_three_plural_forms_and_english_two() -> None:
    assert len(_texts("pl")["cookies.lifetime.hours"]) == 3
    assert len(_texts("en")["cookies.lifetime.hours"]) == 2
    hours = [i18n.ntranslate("pl", "cookies.lifetime.hours", n) for n in (1, 2, 5, 12, 22)]
    assert hours == ["1 godzina", "2 godziny", "5 godzin", "12 godzin", "22 godziny"]
    assert i18n.ntranslate("en", "cookies.lifetime.hours", 1) == "1 hour"
    assert i18n.ntranslate("en", "cookies.lifetime.days", 365) == "365 days"
    assert i18n.ntranslate("pl", "cookies.lifetime.days", 1) == "1 dzień"


def test_every_key_named_in_code_and_templates_is_in_both_catalogues() -> None:
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    used = {
        message if isinstance(message, str) else message[0]
        for _, _, message, _, _ in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS
        )
    }
    assert len(used) > 200  # the extraction found the templates
    missing = sorted(
        f"{lang}: {key}" for key in used for lang in i18n.LANGS if not i18n.has(key, lang)
    )
    assert missing == []


def test_money_dates_and_numbers_follow_the_language() -> None:
    assert format_money(39900, "pl") == "399,00\u00a0zł"
    assert format_money(39900, "en") == "PLN\u00a0399.00"
    assert format_money(123456, "pl") == "1\u00a0234,56\u00a0zł"
    assert i18n.format_day(date(2026, 11, 30), "pl") == "30.11.2026"
    assert i18n.format_day(date(2026, 12, 1), "en") == "1 Dec 2026"
    assert i18n.format_number(12345.5, "pl") == "12\u00a0345,5"


def test_every_validator_rule_has_a_text_in_both_languages() -> None:
    rules = {name for _, name in problems._RULES} | {"invalid"}
    missing = [
        f"{lang}: problem.{name}"
        for name in sorted(rules)
        for lang in i18n.LANGS
        if not i18n.has(f"problem.{name}", lang)
        and not any(k.endswith(f".{name}") for k in _texts(lang) if k.startswith("problem."))
    ]
    assert missing == []


def test_a_rule_from_a_validator_becomes_the_field_s_message() -> None:
    assert problems.text("pl", "postal_code", "wrong format (blank, or control characters)") == (
        "Kod pocztowy w formacie 00-950."
    )
    assert problems.text("pl", "pin", "too easy to guess (repeated or consecutive digits)") == (
        "PIN jest zbyt łatwy do odgadnięcia (powtórzone lub kolejne cyfry)."
    )
    assert problems.text("en", "q12", "between 0 and 6") == "Give a number from 0 to 6."
    assert problems.text("pl", "q12", "something no rule names") == "Nieprawidłowa wartość."
    assert problems.label("pl", "card.exp_year") == "Rok ważności karty"
    assert not re.search(r"[a-z]_[a-z]", problems.label("pl", "some.internal_name"))
