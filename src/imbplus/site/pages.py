"""Public pages (P16, P17): home, offer, channel lists, help. No login, no identifying cookie."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Path, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from imbplus.runtime import Runtime
from imbplus.site import forms, stats
from imbplus.site.consent import NO_DECISION, ConsentState
from imbplus.site.service import offer, package_channels
from imbplus.web import cookies
from imbplus.web.deps import Db
from imbplus.web.guards import PUBLIC
from imbplus.web.pages import render

router = APIRouter(include_in_schema=False, dependencies=PUBLIC)


def consent_of(request: Request) -> ConsentState:
    """What this browser consented to (set by the consent middleware)."""
    found = getattr(request.state, "consent", None)
    return found if isinstance(found, ConsentState) else NO_DECISION


async def count_view(request: Request) -> AsyncIterator[None]:
    """Count a view of a public page that answered (an error, e.g. 404, is not a view); a
    visitor only with statistics consent (P18). In memory: the counts are written off the
    request path (see `stats.ViewCounts`)."""
    route = request.scope.get("route")
    view = stats.view_of(
        getattr(route, "path", None) or "?",
        statistics_consent=consent_of(request).statistics,
        last_visit=request.cookies.get(cookies.STATISTICS),
    )
    if view.cookie is not None:
        request.state.stats_cookie = view.cookie
    yield
    request.app.state.view_counts.add(view)


Counted = Annotated[None, Depends(count_view, scope="function")]


def content(lang: str, name: str) -> str:
    """The language's own template for a page of longer text."""
    return f"site/content/{lang}/{name}.html"


@router.get("/")
def home(request: Request, session: Db, _view: Counted) -> Response:
    lang = request.state.lang
    return render(request, content(lang, "home"), offer=offer(session, lang))


@router.get("/offer")
def offer_page(request: Request, session: Db, _view: Counted) -> Response:
    return render(request, "site/offer.html", offer=offer(session, request.state.lang))


@router.get("/offer/{package}/channels")
def channels_page(
    request: Request,
    session: Db,
    package: Annotated[str, Path(pattern=r"^[a-z0-9-]{1,64}$")],
    _view: Counted,
) -> Response:
    """A package's channel list, from the same catalogue as the offer and the shop."""
    shown, found, channels = package_channels(session, request.state.lang, package)
    return render(
        request, "site/channels.html", package=found, channels=channels, preview=shown.preview
    )


@router.get("/help")
def help_page(request: Request, _view: Counted) -> Response:
    return render(request, content(request.state.lang, "help"))


def install(app: FastAPI, rt: Runtime) -> None:
    """Helpers every site template can call (the banner is on every page)."""
    templates: Jinja2Templates = app.state.templates
    templates.env.globals["consent_of"] = consent_of
    templates.env.globals["form_token"] = lambda form: forms.issue(rt.keyring.master, form)
    templates.env.globals["cookie_register"] = cookies.REGISTER
