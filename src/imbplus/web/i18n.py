"""Two languages for everything a visitor or subscriber reads: Polish (default) and English.

The language comes from a URL prefix (`/en/...`; `/pl/...` or no prefix is Polish), which
needs no cookie. The texts live in gettext catalogues, one per language
(`locale/<lang>/LC_MESSAGES/messages.po`), whose message ids are stable keys such as
`portal.login.title`; templates call `_("key", **values)`, `_n("key", count)` for a text
with plural forms, and build links with `url("/portal")`, which keeps the prefix. Numbers,
money and dates follow the language's conventions through Babel (`money`, `day`, `number`).

The catalogues are read once, at import, from the `.po` files shipped with the package:
no compile step, nothing fetched at run time.
"""

from __future__ import annotations

import gettext
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from imbplus.clock import local_day

LANGS = ("pl", "en")
DEFAULT = "pl"
LOCALE_DIR = Path(__file__).parent / "locale"
# the Babel locale of each language: its number, date and plural rules
BABEL_LOCALES = {"pl": "pl_PL", "en": "en_GB"}
_DATE_FORMATS = {"pl": "dd.MM.yyyy", "en": "d MMM yyyy"}


@dataclass(frozen=True)
class Catalogue:
    """One language's texts: gettext look-ups (with its plural rule) and the keys it has."""

    lang: str
    translations: gettext.GNUTranslations
    keys: frozenset[str]


def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"


@cache
def catalogue(lang: str) -> Catalogue:
    """The language's `.po` file, read with Babel and kept as gettext translations."""
    with catalogue_path(lang).open("rb") as po:
        parsed = read_po(po, locale=BABEL_LOCALES[lang])
    keys = frozenset(
        m.id if isinstance(m.id, str) else m.id[0]
        for m in parsed
        if m.id and m.string and not m.fuzzy
    )
    buffer = io.BytesIO()
    write_mo(buffer, parsed)
    buffer.seek(0)
    return Catalogue(lang, gettext.GNUTranslations(buffer), keys)


def _lang(lang: str) -> str:
    return lang if lang in LANGS else DEFAULT


def has(key: str, lang: str = DEFAULT) -> bool:
    return key in catalogue(_lang(lang)).keys


def translate(lang: str, key: str, **values: Any) -> str:
    """The text of `key` in `lang`, its `{placeholders}` filled; the key itself when no
    catalogue has it (a test fails on any key shown to a person)."""
    found = catalogue(_lang(lang))
    if key not in found.keys:
        return key
    text = found.translations.gettext(key)
    return text.format(**values) if values else text


def ntranslate(lang: str, key: str, count: int, **values: Any) -> str:
    """The plural form of `key` for `count` (Polish: 1 godzina, 2 godziny, 5 godzin);
    `{n}` in the text is the count written in the language's number format."""
    found = catalogue(_lang(lang))
    if key not in found.keys:
        return key
    text = found.translations.ngettext(key, key, count)
    return text.format(n=format_number(count, lang), **values)


def data_text(lang: str, key: str, own: str) -> str:
    """A text of a data row (a product's name): the catalogue's translation when it has
    one (`product.<id>.name` in English), else the row's own text."""
    return translate(lang, key) if has(key, lang) else own


def format_number(value: int | float | Decimal, lang: str) -> str:
    """12345.5 -> '12 345,5' in Polish, '12,345.5' in English."""
    return format_decimal(value, locale=BABEL_LOCALES[_lang(lang)])


def format_day(day: date, lang: str) -> str:
    """date(2026, 11, 30) -> '30.11.2026' in Polish, '30 Nov 2026' in English; an instant is
    shown as its day in Poland."""
    lang = _lang(lang)
    if isinstance(day, datetime):
        day = local_day(day)
    return format_date(day, _DATE_FORMATS[lang], locale=BABEL_LOCALES[lang])


def prefix(lang: str) -> str:
    return "" if lang == DEFAULT else f"/{lang}"


def localized(lang: str, path: str) -> str:
    return prefix(lang) + path


def lang_of(scope: Scope) -> str:
    state = scope.get("state") or {}
    lang = state.get("lang", DEFAULT)
    return lang if lang in LANGS else DEFAULT


class LanguagePrefixMiddleware:
    """`/en/portal` is served by the `/portal` route with English; `/pl/...` by Polish."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        lang, prefixed, inner = DEFAULT, False, scope
        for candidate in LANGS:
            if path == f"/{candidate}" or path.startswith(f"/{candidate}/"):
                lang, prefixed = candidate, True
                rest = path[len(candidate) + 1 :] or "/"
                inner = {**scope, "path": rest, "raw_path": rest.encode()}
                break
        state = scope.setdefault("state", {})
        inner["state"] = state
        state["lang"] = lang
        state["lang_prefixed"] = prefixed
        try:
            await self.app(inner, receive, _keep_prefix(send, lang) if prefixed else send)
        finally:
            if inner is not scope and "route" in inner:
                scope["route"] = inner["route"]  # the request log outside names the route


def _keep_prefix(send: Send, lang: str) -> Send:
    """A redirect to a local page keeps the language it was asked in (`/en/console` stays
    English after a form is sent)."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start" and 300 <= message["status"] < 400:
            message["headers"] = [
                (name, _prefixed(value, lang) if name.lower() == b"location" else value)
                for name, value in message.get("headers", [])
            ]
        await send(message)

    return sending


def _prefixed(location: bytes, lang: str) -> bytes:
    target = location.decode("latin-1")
    local = target.startswith("/") and not target.startswith("//")
    if not local or target.startswith(("/static/", "/api/")) or _lang_of_path(target):
        return location
    return (prefix(lang) + target).encode("latin-1")


def _lang_of_path(path: str) -> str | None:
    for candidate in LANGS:
        if path == f"/{candidate}" or path.startswith((f"/{candidate}/", f"/{candidate}?")):
            return candidate
    return None


def template_helpers(scope: Scope) -> dict[str, Any]:
    """`lang`, `_`, `_n`, `url`, formats and form-problem texts for every template."""
    from imbplus.money import format_money
    from imbplus.web import problems

    lang = lang_of(scope)
    other = "en" if lang == "pl" else "pl"
    return {
        "lang": lang,
        "_": lambda key, **values: translate(lang, key, **values),
        "_n": lambda key, count, **values: ntranslate(lang, key, count, **values),
        "url": lambda path: localized(lang, path),
        "other_lang": other,
        "has_text": lambda key: has(key, lang),
        "data_text": lambda key, own: data_text(lang, key, own),
        "money": lambda grosze: format_money(grosze, lang),
        "day": lambda value: format_day(value, lang),
        "number": lambda value: format_number(value, lang),
        "label": lambda field: problems.label(lang, field),
        "problem_text": lambda field, raw: problems.text(lang, field, raw),
        # the switch always names the language, so that it can also update a remembered one
        "switch_url": lambda path: f"/{other}{path}",
    }
