"""Who may call a route, declared once on its router: closed unless marked public.

Every router states at construction whose requests it serves, with one of the lists below,
`web.subscribers.SUBSCRIBER_PAGES` / `SUBSCRIBER_API` or the box token of `devices.api`. A route
added to a router is as closed as the router. Routers of HTML pages also verify the
anti-forgery token of every unsafe request (POST, PUT, PATCH, DELETE) before the handler or
its parameters are looked at. Handlers still name the typed caller they need (`User`,
`ConsoleContext`, `Customer`, ...): FastAPI solves a dependency once per request, so naming
it on the router and in the handler costs nothing.

`tests/web/test_route_inventory.py` names who may call every route from these dependencies
and refuses a route that is open without being on its public list.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, params
from fastapi.exceptions import RequestValidationError

from imbplus.web.deps import api_actor
from imbplus.web.pages import User, check_csrf, check_pre_login_csrf, console_user

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
Audience = tuple[params.Depends, ...]


def is_unsafe(request: Request) -> bool:
    return request.method in UNSAFE_METHODS


async def posted_field(request: Request, name: str) -> str | None:
    """A text field of an unsafe request's form; None for a safe method.

    Starlette keeps the parsed form on the request, so the handler's `Form` parameters read
    the same one. A missing field is refused as a missing required form field is (422
    naming it). No form of this application takes a file, so none is accepted here.
    """
    if not is_unsafe(request):
        return None
    value = (await request.form(max_files=0)).get(name)
    if not isinstance(value, str):
        problem = {"type": "missing", "loc": ("body", name), "msg": "Field required"}
        raise RequestValidationError([{**problem, "input": None}])
    return value


async def posted_csrf(request: Request) -> str | None:
    """The `csrf` field of an unsafe request's form."""
    return await posted_field(request, "csrf")


CsrfField = Annotated[str | None, Depends(posted_csrf)]


def public() -> None:
    """Marks a router open to everyone; its routes are on the inventory's public list."""


async def staff_form_csrf(user: User, token: CsrfField) -> None:
    """A console form carries the anti-forgery token of the staff member's session."""
    if token is not None:
        check_csrf(user, token)


async def pre_login_form_csrf(request: Request, token: CsrfField) -> None:
    """A form posted before login carries the token of the double-submit cookie."""
    if token is not None:
        check_pre_login_csrf(request, token)


PUBLIC: Audience = (Depends(public),)
PRE_LOGIN_FORMS: Audience = (Depends(public), Depends(pre_login_form_csrf))
STAFF_PAGES: Audience = (Depends(console_user), Depends(staff_form_csrf))
STAFF_API: Audience = (Depends(api_actor),)
