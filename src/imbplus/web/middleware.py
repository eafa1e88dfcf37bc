"""Pure-ASGI middleware: request id, body limit, security headers, request log.

The log names method, route template, status and duration; never a query string, a body or
any personal value.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("imbplus.request")

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
_STATIC_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


class TooLarge(HTTPException):
    """The body grew past the limit while it was read (chunked, or a lying Content-Length).

    An HTTP exception, so that FastAPI's body parsing passes it on as a 413 instead of
    answering 400 "error parsing the body"; a handler that reads the body itself lets it
    reach this middleware, which answers 413 too."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body over {limit} bytes")


class RequestMiddleware:
    def __init__(
        self, app: ASGIApp, max_body_bytes: int, limits: dict[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_body = max_body_bytes
        self.limits = limits or {}  # path prefix -> body limit, for routes that need another

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope) or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status_holder: dict[str, int] = {"status": 500}
        secure = scope.get("scheme") == "https"
        limit = _limit_for(scope.get("path", ""), self.limits, self.max_body)

        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _send_413(send, request_id, limit, scope.get("path", ""))
            self._log(scope, 413, started, request_id)
            return

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise TooLarge(limit)
            return message

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                headers = list(message.get("headers", []))
                names = {h[0].lower() for h in headers}
                headers += [h for h in _STATIC_HEADERS if h[0] not in names]
                if secure:
                    headers.append(HSTS)
                if b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except TooLarge:
            await _send_413(send, request_id, limit, scope.get("path", ""))
            status_holder["status"] = 413
        finally:
            self._log(scope, status_holder["status"], started, request_id)

    @staticmethod
    def _log(scope: Scope, status: int, started: float, request_id: str) -> None:
        route = scope.get("route")
        path = getattr(route, "path", None) or "<unmatched>"
        log.info(
            "%s %s %d %.1fms rid=%s",
            scope.get("method"),
            path,
            status,
            (time.perf_counter() - started) * 1000,
            request_id,
        )


def _limit_for(path: str, limits: dict[str, int], default: int) -> int:
    bare = _without_language(path)
    for prefix, limit in limits.items():
        base = prefix.rstrip("/")
        if bare == base or bare.startswith(base + "/"):
            return limit
    return default


def _without_language(path: str) -> str:
    for lang in ("en", "pl"):
        if path == f"/{lang}" or path.startswith(f"/{lang}/"):
            return path[len(lang) + 1 :] or "/"
    return path


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            text: str = value.decode("latin-1")
            if 8 <= len(text) <= 64 and all(c.isalnum() or c in "-_" for c in text):
                return text
    return None


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


_PAGE_413 = (
    '<!doctype html><html lang="pl"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    '<title>413 · IMB+</title><link rel="stylesheet" href="/static/site.css"></head><body>'
    '<main><section class="panel narrow"><h1>Za dużo danych</h1>'
    "<p>Formularz jest większy niż {limit} bajtów i nie został przyjęty; nic nie zapisaliśmy.</p>"
    '<h1 lang="en">Too much data</h1><p lang="en">The form is larger than {limit} bytes and was '
    "not accepted; nothing was stored.</p>"
    '<p class="muted">Numer zgłoszenia / Reference: <code>{request_id}</code></p>'
    '<p><a href="/">IMB+</a></p></section></main></body></html>'
)


async def _send_413(send: Send, request_id: str, limit: int, path: str = "/api/") -> None:
    import json

    if path.startswith("/api/"):
        body = json.dumps(
            {
                "error": "payload_too_large",
                "message": f"request body over {limit} bytes",
                "request_id": request_id,
            }
        ).encode()
        kind = b"application/json"
    else:  # a page: a page answers (bilingual, it cannot know the language prefix here)
        body = _PAGE_413.format(limit=limit, request_id=request_id).encode()
        kind = b"text/html; charset=utf-8"
    headers: list[Any] = [
        (b"content-type", kind),
        (b"content-length", str(len(body)).encode()),
        (b"x-request-id", request_id.encode()),
        *_STATIC_HEADERS,
    ]
    try:
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
    except RuntimeError:
        pass  # response already started
