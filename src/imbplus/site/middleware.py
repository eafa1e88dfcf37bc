"""Consent enforced in one place (P18), for every page a visitor or subscriber sees.

For each request it works out what the browser consented to (from the `imb_consent`
cookie and the stored decision) and puts it in `request.state.consent`. On the way out:
* a non-necessary cookie the browser has not consented to is never set, whoever tries;
* non-necessary cookies the browser still holds without consent are deleted (after a
  rejection, or when a new policy version asks again);
* with consent to preferences, an explicitly chosen language is remembered in `imb_lang`
  and an address without a language prefix goes to the remembered language;
* with consent to statistics, the page's `imb_stats` value (a date) is set.
The staff console, the API and static files are left alone.
"""

from __future__ import annotations

import anyio
from starlette.requests import cookie_parser
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from imbplus.runtime import Runtime
from imbplus.site import consent as consent_service
from imbplus.site.consent import NO_DECISION, ConsentState
from imbplus.web import cookies, i18n

_SKIP = ("/static/", "/api/", "/console")
_EXACT_SKIP = ("/healthz", "/console")


def _skipped(path: str) -> bool:
    return path in _EXACT_SKIP or path.startswith(_SKIP)


def _jar(scope: Scope) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            found.update(cookie_parser(value.decode("latin-1")))
    return found


def _lookup(rt: Runtime, consent_id: str) -> ConsentState:
    with rt.unit_of_work(reading=True) as session:
        return consent_service.state_for(session, rt.settings.site_id, consent_id)


def _cookie_name(header_value: bytes) -> str:
    return header_value.split(b"=", 1)[0].decode("latin-1").strip()


def _is_deletion(header_value: bytes) -> bool:
    return b"max-age=0" in header_value.lower()


class ConsentMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _skipped(scope["path"]):
            await self.app(scope, receive, send)
            return
        rt: Runtime = scope["app"].state.runtime
        state = scope.setdefault("state", {})
        jar = _jar(scope)
        current = NO_DECISION
        if consent_service.valid_id(jar.get(cookies.CONSENT)):
            current = await anyio.to_thread.run_sync(_lookup, rt, jar[cookies.CONSENT])
        state["consent"] = current

        remembered = jar.get(cookies.LANGUAGE)
        if (
            current.preferences
            and not state.get("lang_prefixed")
            and scope["method"] in ("GET", "HEAD")
            and remembered in i18n.LANGS
            and remembered != i18n.DEFAULT
        ):
            target = i18n.localized(remembered, scope["path"])
            if scope.get("query_string"):
                target += "?" + scope["query_string"].decode("latin-1")
            await RedirectResponse(target, status_code=307)(scope, receive, send)
            return

        secure = scope.get("scheme") == "https" or rt.settings.force_secure_cookies

        async def send_filtered(message: Message) -> None:
            if message["type"] == "http.response.start":
                final: ConsentState = state.get("consent", NO_DECISION)
                message["headers"] = _filter(
                    list(message.get("headers", [])), final, jar, state, secure
                )
            await send(message)

        await self.app(scope, receive, send_filtered)


def _filter(
    headers: list[tuple[bytes, bytes]],
    final: ConsentState,
    jar: dict[str, str],
    state: dict[str, object],
    secure: bool,
) -> list[tuple[bytes, bytes]]:
    kept: list[tuple[bytes, bytes]] = []
    touched: set[str] = set()
    for name, value in headers:
        if name.lower() == b"set-cookie":
            cookie = _cookie_name(value)
            spec = cookies.BY_NAME.get(cookie)
            if spec is not None and not final.allows(spec.category) and not _is_deletion(value):
                continue  # never set without consent
            touched.add(cookie)
        kept.append((name, value))
    extra = Response()
    for cookie in cookies.optional_names():
        spec = cookies.BY_NAME[cookie]
        if cookie in jar and cookie not in touched and not final.allows(spec.category):
            extra.delete_cookie(cookie, path="/", secure=secure, httponly=True, samesite="lax")
    lang = state.get("lang")
    if (
        final.preferences
        and state.get("lang_prefixed")
        and jar.get(cookies.LANGUAGE) != lang
        and cookies.LANGUAGE not in touched
        and isinstance(lang, str)
    ):
        _set(extra, cookies.LANGUAGE, lang, secure)
    visit = state.get("stats_cookie")
    if final.statistics and isinstance(visit, str) and cookies.STATISTICS not in touched:
        _set(extra, cookies.STATISTICS, visit, secure)
    kept.extend((n, v) for n, v in extra.raw_headers if n == b"set-cookie")
    return kept


def _set(response: Response, name: str, value: str, secure: bool) -> None:
    response.set_cookie(
        name,
        value,
        max_age=cookies.spec(name).max_age_s,
        path="/",
        secure=secure,
        httponly=True,
        samesite="lax",
    )
