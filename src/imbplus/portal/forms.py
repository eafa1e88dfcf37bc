"""Helpers for server-rendered forms of the portal and the public pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from imbplus.web import i18n, problems
from imbplus.web.errors import validation_problems
from imbplus.web.pages import PRE_CSRF_COOKIE, pre_login_csrf, render, set_cookie

# Form fields accept a little more than any rule allows, so that a too-long value comes back
# as a problem on the re-rendered form; far longer values are refused outright (422 page).
Text = Annotated[str, Form(max_length=2000)]
Csrf = Annotated[str, Form(max_length=128)]
SecretText = Annotated[str, Form(max_length=1000)]


def render_with_csrf(
    request: Request, template: str, status_code: int = 200, **context: object
) -> Response:
    """A page whose form is posted before login (double-submit CSRF cookie)."""
    token = pre_login_csrf(request)
    response = render(request, template, status_code, csrf=token, **context)
    set_cookie(request, response, PRE_CSRF_COOKIE, token, max_age=3600)
    return response


def problems_of(exc: ValidationError) -> dict[str, str]:
    """field -> problem, without the values (the form shows what was typed itself)."""
    found: dict[str, str] = {}
    for problem in validation_problems(exc.errors()):
        found.setdefault(problem["field"].split(".")[-1], problem["problem"])
    return found


def password_problems(exc: ValidationError, password: str, password2: str) -> dict[str, str]:
    """A form's problems, the repeated password's mismatch among them even when the
    password itself broke a rule (the model then never compares the two)."""
    found = problems_of(exc)
    if password != password2:
        found.setdefault("password2", problems.MISMATCH)
    return found


def redirect(request: Request, path: str) -> Response:
    return RedirectResponse(i18n.localized(i18n.lang_of(request.scope), path), status_code=303)


def keep(values: Mapping[str, Any], *names: str) -> dict[str, str]:
    """The non-secret values of a refused form, to show them again (escaped by Jinja)."""
    return {n: str(values.get(n, "")) for n in names}
