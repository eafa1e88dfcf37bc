"""Shared pieces of server-rendered pages: templates, console sessions, CSRF."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, Protocol

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from imbplus.auth import sessions
from imbplus.auth.models import WebSession
from imbplus.errors import AccessDenied, DomainError
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.web import cookies, i18n, menu, principals
from imbplus.web.deps import Db, get_runtime
from imbplus.web.principals import StaffMember

PRE_CSRF_COOKIE = cookies.CSRF


def templates_dir() -> Path:
    return Path(str(resources.files("imbplus.web") / "templates"))


def static_dir() -> Path:
    return Path(str(resources.files("imbplus.web") / "static"))


def make_templates() -> Jinja2Templates:
    return Jinja2Templates(directory=str(templates_dir()))


class LoginRequired(Exception):
    pass


class PurposeNeeded(Exception):
    pass


class CsrfFailed(DomainError):
    status = 403
    code = "csrf_failed"


def is_secure(request: Request) -> bool:
    settings = get_runtime(request).settings
    return request.url.scheme == "https" or settings.force_secure_cookies


def set_cookie(
    request: Request,
    response: Response,
    name: str,
    value: str,
    max_age: int | None = None,
    samesite: Literal["strict", "lax"] = "strict",
) -> None:
    """Set a registered cookie (P18): HttpOnly, SameSite, Secure over HTTPS. A persistent
    cookie lives as long as the register says unless `max_age` is shorter."""
    spec = cookies.spec(name)
    if spec.max_age_s is not None:
        max_age = min(max_age or spec.max_age_s, spec.max_age_s)
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite=samesite,
        secure=is_secure(request),
        path="/",
    )


def delete_cookie(request: Request, response: Response, name: str) -> None:
    cookies.spec(name)
    response.delete_cookie(name, path="/", httponly=True, samesite="lax", secure=is_secure(request))


@dataclass
class ConsoleUser:
    staff: StaffMember
    web_session: WebSession
    actor: Actor

    @property
    def purpose(self) -> Purpose | None:
        return Purpose(self.web_session.purpose) if self.web_session.purpose else None


def console_user(request: Request, session: Db) -> ConsoleUser:
    rt = get_runtime(request)
    row = sessions.resolve(
        session, rt.settings, "staff", request.cookies.get(sessions.STAFF_COOKIE)
    )
    if row is None or row.mfa_pending:
        raise LoginRequired
    # an inactive account, or one without the second factor its roles need (P12): no console
    staff = principals.of(request).console_staff(session, rt.gate, int(row.principal_id))
    if staff is None:
        raise LoginRequired
    return ConsoleUser(staff, row, Actor.staff(staff.id, staff.role_names))


User = Annotated[ConsoleUser, Depends(console_user)]


def console_context(request: Request, session: Db, user: User) -> Context:
    if not user.web_session.purpose:
        raise PurposeNeeded
    return Context(
        session=session,
        platform=get_runtime(request),
        actor=user.actor,
        purpose=Purpose(user.web_session.purpose),
        request_id=request.state.request_id,
    )


ConsoleContext = Annotated[Context, Depends(console_context)]


def require_page(ctx: Context, page: menu.ConsolePage) -> None:
    """The route's side of a menu entry: the page opens exactly when the menu shows it.
    A refusal goes through the gate, which records it."""
    if page.opens_for(ctx.platform.gate, ctx.actor.roles, ctx.purpose):
        return
    if page.needs:
        ctx.check(page.action, page.needs, operation=page.operation)
    raise AccessDenied(
        f"this page does not serve {ctx.purpose.value}",
        role=",".join(ctx.actor.roles),
        purpose=ctx.purpose.value,
    )


def page_guard(page: menu.ConsolePage) -> Any:
    """`require_page` as a route's dependency. A route with numeric query parameters calls
    `require_page` first thing in its body instead, so that a value out of range is
    answered 422 naming it before any refusal (dependencies run before that check)."""

    def guard(ctx: ConsoleContext) -> None:
        require_page(ctx, page)

    return Depends(guard)


def console_helpers(request: Request, user: object) -> dict[str, object]:
    """The menu of the signed-in member of staff and `opens(name)` for links to pages."""
    if not isinstance(user, ConsoleUser):
        return {}
    gate = get_runtime(request).gate
    opening = menu.opening(gate, user.actor.roles, user.purpose)
    names = {p.name for p in opening}
    return {"menu": [p for p in opening if p.in_menu], "opens": lambda name: name in names}


class HasWebSession(Protocol):
    web_session: WebSession


def check_csrf(user: HasWebSession, token: str) -> None:
    if not hmac.compare_digest(user.web_session.csrf_token.encode(), token.encode()):
        raise CsrfFailed("the form is stale or forged; reload the page and try again")


def pre_login_csrf(request: Request) -> str:
    """Token for forms shown before a session exists (double-submit cookie)."""
    return request.cookies.get(PRE_CSRF_COOKIE) or secrets.token_urlsafe(24)


def check_pre_login_csrf(request: Request, token: str) -> None:
    cookie = request.cookies.get(PRE_CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie.encode(), token.encode()):
        raise CsrfFailed("the form is stale or forged; reload the page and try again")


def render(request: Request, template: str, status_code: int = 200, **context: object) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request,
        template,
        {
            **i18n.template_helpers(request.scope),
            **console_helpers(request, context.get("user")),
            **context,
        },
        status_code=status_code,
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def _login(_request: Request, _exc: LoginRequired) -> Response:
        return RedirectResponse("/console/login", status_code=303)

    @app.exception_handler(PurposeNeeded)
    async def _purpose(_request: Request, _exc: PurposeNeeded) -> Response:
        return RedirectResponse("/console?need=purpose", status_code=303)
