"""The cookie page and the consent decision (P18): plain forms, no JavaScript needed."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from imbplus import bounds
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.site import consent, forms
from imbplus.site.consent import ConsentState
from imbplus.site.pages import Counted, consent_of
from imbplus.web import clientip, cookies, i18n
from imbplus.web.deps import Db, get_runtime
from imbplus.web.guards import PUBLIC
from imbplus.web.pages import render, set_cookie

router = APIRouter(include_in_schema=False, dependencies=PUBLIC)
_LOCAL_PATH = re.compile(r"^/(?![/\\])[A-Za-z0-9/_.\-]*$")
Flag = Annotated[str | None, Form(max_length=8)]


def safe_next(value: str | None, fallback: str) -> str:
    """Only a path on this site (no scheme, no host, no query): no open redirect."""
    return value if value and len(value) <= 256 and _LOCAL_PATH.fullmatch(value) else fallback


def lifetime_text(spec: cookies.CookieSpec) -> tuple[str, int | None]:
    """The catalogue key of a cookie's lifetime and the count for its plural form."""
    if spec.max_age_s is None:
        return "cookies.lifetime.session", None
    if spec.max_age_s < cookies.DAY:
        return "cookies.lifetime.hours", spec.max_age_s // 3600
    return "cookies.lifetime.days", spec.max_age_s // cookies.DAY


@router.get("/cookies")
def cookie_page(
    request: Request, _view: Counted, saved: Annotated[bounds.Flag, Query()] = 0
) -> Response:
    return render(
        request,
        "site/cookies.html",
        consent=consent_of(request),
        categories=list(cookies.CookieCategory),
        lifetime_text=lifetime_text,
        saved=saved == 1,
        hide_banner=True,
    )


@router.post("/cookies/consent", dependencies=[Depends(forms.SignedForm("consent"))])
def decide(
    request: Request,
    session: Db,
    choice: Annotated[str, Form(max_length=16)],
    preferences: Flag = None,
    statistics: Flag = None,
    next_path: Annotated[str | None, Form(alias="next", max_length=256)] = None,
) -> Response:
    rt = get_runtime(request)
    ctx = Context(
        session, rt, Actor.system("site"), Purpose.REGULATORY_COMPLIANCE, request.state.request_id
    )
    record = consent.decide(
        ctx,
        site=rt.settings.site_id,
        lang=request.state.lang,
        action=choice,
        preferences=preferences == "on",
        statistics=statistics == "on",
        address=clientip.client_address(request),
        replaces=consent_of(request).consent_id,
    )
    # the middleware sets or deletes the other cookies from the new decision
    request.state.consent = ConsentState(
        consent_id=record.id,
        decided=True,
        preferences=record.preferences,
        statistics=record.statistics,
        decided_at=record.decided_at,
        action=record.action,
    )
    cookie_page = i18n.localized(request.state.lang, "/cookies?saved=1")
    response = RedirectResponse(safe_next(next_path, cookie_page), status_code=303)
    set_cookie(request, response, cookies.CONSENT, record.id, samesite="lax")
    return response
