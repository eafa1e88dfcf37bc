"""Errors become JSON (API) or a friendly page (console); never a stack trace or a value."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from imbplus.errors import DomainError, RateLimited
from imbplus.web import i18n

log = logging.getLogger("imbplus.errors")

_PROBLEMS = {
    "missing": "required",
    "extra_forbidden": "unknown field",
    "string_too_long": "too long",
    "string_too_short": "too short",
    "string_type": "must be a string",
    "string_pattern_mismatch": "wrong format (blank, or control characters)",
    "int_type": "must be an integer",
    "int_parsing": "must be an integer",
    "bool_type": "must be true or false",
    "model_type": "must be an object",
    "dict_type": "must be an object",
    "list_type": "must be a list",
    "greater_than_equal": "too small",
    "less_than_equal": "too large",
}


def _request_id(request: Request) -> str:
    return str(getattr(request.state, "request_id", ""))


def _wants_html(request: Request) -> bool:
    path = request.url.path
    return not (path.startswith("/api/") or path == "/healthz")


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def validation_problems(errors: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Pydantic errors without their `input` (which may be a personal value)."""
    problems = []
    for err in errors:
        kind = err.get("type", "")
        if kind == "value_error":
            # our own validators raise ValueError with a message that names the rule
            problem = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        else:
            problem = _PROBLEMS.get(kind, str(err.get("msg", "invalid")))
        problems.append({"field": _field(tuple(err.get("loc", ()))), "problem": problem})
    return problems


def render_error(request: Request, status: int, body: dict[str, Any]) -> Response:
    body = {**body, "request_id": _request_id(request)}
    if _wants_html(request):
        templates: Jinja2Templates = request.app.state.templates
        template = (
            "console/error.html" if request.url.path.startswith("/console") else ("site/error.html")
        )
        # the language links of an error page lead home: the path asked for is not shown
        # back (it may carry what someone typed into it, P05)
        context = {**i18n.template_helpers(request.scope), "page_path": "/"}
        return templates.TemplateResponse(
            request, template, {**context, "status": status, "error": body}, status_code=status
        )

    headers = {}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse(body, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        if exc.status >= 500:
            log.error("%s rid=%s", exc.code, _request_id(request))
        response = render_error(request, exc.status, exc.body())
        if isinstance(exc, RateLimited):
            response.headers["Retry-After"] = str(exc.retry_after_s)
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = list(exc.errors())
        if any(e.get("type") == "json_invalid" for e in errors):
            return render_error(
                request, 400, {"error": "malformed_json", "message": "the body is not valid JSON"}
            )
        problems = validation_problems(errors)
        fields = ", ".join(p["field"] for p in problems)
        return render_error(
            request,
            422,
            {
                "error": "validation_failed",
                "message": f"invalid value for: {fields}",
                "fields": problems,
            },
        )

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        codes = {
            404: "not_found",
            405: "method_not_allowed",
            413: "payload_too_large",
            400: "bad_request",
            401: "unauthenticated",
            403: "forbidden",
        }
        message = exc.detail if isinstance(exc.detail, str) else "request refused"
        response = render_error(
            request,
            exc.status_code,
            {"error": codes.get(exc.status_code, "http_error"), "message": message},
        )
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        log.error("unhandled %s rid=%s", type(exc).__name__, _request_id(request))
        return render_error(
            request, 500, {"error": "internal_error", "message": "something went wrong on our side"}
        )


def html_error(request: Request, status: int, message: str) -> HTMLResponse:
    response = render_error(request, status, {"error": "error", "message": message})
    assert isinstance(response, HTMLResponse)
    return response
