"""The privacy-policy pages (P15, P22): the version in force, every earlier and announced
version, the differences between two; and the portal notice of a new version."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from imbplus.bounds import RowId
from imbplus.site import notice as art13
from imbplus.site import notices, policy
from imbplus.site.pages import Counted
from imbplus.web import i18n
from imbplus.web.deps import Db, get_runtime
from imbplus.web.guards import PUBLIC
from imbplus.web.pages import render
from imbplus.web.subscribers import SUBSCRIBER_PAGES, Customer

pages = APIRouter(include_in_schema=False, dependencies=PUBLIC)
notice = APIRouter(prefix="/portal", include_in_schema=False, dependencies=SUBSCRIBER_PAGES)
Number = Annotated[int, Path(ge=1, le=100_000)]


def _site(request: Request) -> str:
    return get_runtime(request).settings.site_id


def _art13(request: Request, session: Db) -> dict[str, Any]:
    """What GDPR art. 13 asks the page to say, from the settings and the catalogues."""
    rt = get_runtime(request)
    return {
        "controller": art13.controller(rt.settings),
        "purposes": art13.purposes(session, rt.gate, rt.settings),
        "readable": policy.for_readers,
    }


@pages.get("/privacy")
def privacy(request: Request, session: Db, _view: Counted) -> Response:
    site, lang = _site(request), request.state.lang
    shown = policy.current(session, site, lang)
    return render(
        request,
        "site/policy.html",
        shown=shown,
        in_force=shown,
        announced=policy.announced(session, site, lang),
        versions=policy.versions(session, site, lang),
        body=policy.render(shown.body) if shown else None,
        today=policy.today(),
        **_art13(request, session),
    )


@pages.get("/privacy/versions/{number}")
def version(request: Request, session: Db, number: Number, _view: Counted) -> Response:
    site, lang = _site(request), request.state.lang
    shown = policy.get(session, site, lang, number)
    return render(
        request,
        "site/policy.html",
        shown=shown,
        in_force=policy.current(session, site, lang),
        announced=policy.announced(session, site, lang),
        versions=policy.versions(session, site, lang),
        body=policy.render(shown.body),
        today=policy.today(),
        **_art13(request, session),
    )


@pages.get("/privacy/versions/{number}/changes")
def changes(request: Request, session: Db, number: Number, _view: Counted) -> Response:
    site, lang = _site(request), request.state.lang
    new = policy.get(session, site, lang, number)
    old = policy.get(session, site, lang, number - 1) if number > 1 else None
    return render(
        request,
        "site/policy_changes.html",
        new=new,
        old=old,
        lines=policy.differences(old, new) if old else [],
        readable=policy.for_readers,
    )


@notice.post("/policy-notice")
def dismiss_notice(
    request: Request, session: Db, user: Customer, version_id: Annotated[RowId, Form()]
) -> Response:
    """The subscriber has read the notice of a new policy version (P22)."""
    notices.mark_seen(session, user.customer_id, version_id)
    return RedirectResponse(i18n.localized(request.state.lang, "/portal"), status_code=303)


router = APIRouter(include_in_schema=False)
router.include_router(pages)
router.include_router(notice)
