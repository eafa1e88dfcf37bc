"""Two languages for everything a visitor or subscriber reads: Polish (default) and English.

The language comes from a URL prefix (`/en/...`; `/pl/...` or no prefix is Polish), which
needs no cookie. Messages are registered per domain with `register({...})`; templates call
`_("key")` and build links with `url("/portal")`, which keeps the prefix.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

LANGS = ("pl", "en")
DEFAULT = "pl"
_MESSAGES: dict[str, dict[str, str]] = {}


def register(messages: Mapping[str, Mapping[str, str]]) -> None:
    """Add messages: {"key": {"pl": "...", "en": "..."}}. Both languages are required."""
    for key, texts in messages.items():
        missing = [lang for lang in LANGS if not texts.get(lang)]
        if missing:
            raise ValueError(f"message {key!r} lacks {missing}")
        if key in _MESSAGES and _MESSAGES[key] != dict(texts):
            raise ValueError(f"message {key!r} is registered twice with different texts")

        _MESSAGES[key] = dict(texts)


def has(key: str) -> bool:
    return key in _MESSAGES


def translate(lang: str, key: str, **values: Any) -> str:
    texts = _MESSAGES.get(key)
    if texts is None:
        return key
    text = texts.get(lang) or texts[DEFAULT]
    return text.format(**values) if values else text


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
            await self.app(inner, receive, send)
        finally:
            if inner is not scope and "route" in inner:
                scope["route"] = inner["route"]  # the request log outside names the route


register(
    {
        "lang.name": {"pl": "Polski", "en": "English"},
        "lang.switch": {"pl": "English", "en": "Polski"},
        "error.title.403": {"pl": "Brak dostępu", "en": "Not allowed"},
        "error.title.404": {"pl": "Nie znaleziono strony", "en": "Page not found"},
        "error.title.500": {"pl": "Coś poszło nie tak", "en": "Something went wrong"},
        "error.title.other": {"pl": "Nie udało się", "en": "That did not work"},
        "error.reference": {"pl": "Numer zgłoszenia", "en": "Reference"},
        "error.back": {"pl": "Wróć na stronę główną", "en": "Back to the home page"},
    }
)


def template_helpers(scope: Scope) -> dict[str, Any]:
    """`lang`, `_`, `url` and `other_lang` for every template."""
    lang = lang_of(scope)
    other = "en" if lang == "pl" else "pl"
    return {
        "lang": lang,
        "_": lambda key, **values: translate(lang, key, **values),
        "url": lambda path: localized(lang, path),
        "other_lang": other,
        "has_text": has,
        # the switch always names the language, so that it can also update a remembered one
        "switch_url": lambda path: f"/{other}{path}",
    }
