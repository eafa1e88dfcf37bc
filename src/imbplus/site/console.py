"""Staff console pages of the site: the DPO's privacy inbox (P23), policy publishing (P22),
consent proofs and visit counters (P18); the feedback list (P24)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from imbplus.errors import ValidationFailed
from imbplus.notify import outbox
from imbplus.privacy.catalog import Action, Category
from imbplus.runtime import Runtime
from imbplus.site import consent, feedback, inquiries, notices, policy, stats
from imbplus.web import menu
from imbplus.web.deps import Db, get_runtime
from imbplus.web.guards import STAFF_PAGES
from imbplus.web.pages import ConsoleContext, ConsoleUser, User, page_guard, render

router = APIRouter(prefix="/console", include_in_schema=False, dependencies=STAFF_PAGES)
InquiryId = Annotated[str, Path(max_length=36)]


# Each page reads under the purpose chosen in the console; the policy decides who opens it.
INBOX = menu.page("inbox", "/console/privacy/inbox", {Category.PRIVACY_INQUIRY}, order=140)
POLICY = menu.page(
    "policy", "/console/privacy/policy", {Category.REFERENCE}, action=Action.WRITE, order=150
)
CONSENTS = menu.page("consents", "/console/privacy/consents", {Category.CONSENT_RECORD}, order=160)
FEEDBACK = menu.page(
    "feedback", "/console/feedback", {Category.FEEDBACK}, order=70, operation="feedback.read"
)


# -- privacy inbox (P23) -------------------------------------------------------------------
@router.get("/privacy/inbox", dependencies=[page_guard(INBOX)])
def inbox(
    request: Request,
    session: Db,
    user: User,
    ctx: ConsoleContext,
    status: Annotated[str | None, Query(pattern="^(new|in_progress|answered|closed)$")] = None,
) -> Response:
    return render(
        request,
        "console/privacy_inbox.html",
        user=user,
        rows=inquiries.inbox(ctx, status=status),
        counts=inquiries.counts(ctx),
        status=status or "",
    )


@router.get("/privacy/inbox/{inquiry_id}", dependencies=[page_guard(INBOX)])
def inquiry(
    request: Request, session: Db, user: User, ctx: ConsoleContext, inquiry_id: InquiryId
) -> Response:
    item = inquiries.read(ctx, inquiry_id)
    return render(
        request,
        "console/privacy_inquiry.html",
        user=user,
        item=item,
        delivery=outbox.delivery(session, f"privacy_inquiry:{item.reference}"),
        statuses=[s.value for s in inquiries.Status],
    )


@router.post("/privacy/inbox/{inquiry_id}/status", dependencies=[page_guard(INBOX)])
def inquiry_status(
    request: Request,
    session: Db,
    user: User,
    ctx: ConsoleContext,
    inquiry_id: InquiryId,
    status: Annotated[str, Form(max_length=16)],
) -> Response:
    inquiries.set_status(ctx, inquiry_id, status)
    return RedirectResponse(f"/console/privacy/inbox/{inquiry_id}", status_code=303)


@router.post("/privacy/inbox/{inquiry_id}/answer", dependencies=[page_guard(INBOX)])
def inquiry_answer(
    request: Request,
    session: Db,
    user: User,
    ctx: ConsoleContext,
    inquiry_id: InquiryId,
    answer: Annotated[str, Form(max_length=12_000)],
) -> Response:
    inquiries.answer(ctx, inquiry_id, answer)
    return RedirectResponse(f"/console/privacy/inbox/{inquiry_id}", status_code=303)


# -- policy versions (P15, P22) --------------------------------------------------------------
def _policy_page(
    request: Request,
    session: Db,
    user: ConsoleUser,
    status: int = 200,
    form: dict[str, str] | None = None,
    problems: list[dict[str, str]] | None = None,
    published: str | None = None,
) -> Response:
    site = get_runtime(request).settings.site_id
    return render(
        request,
        "console/policy.html",
        status,
        user=user,
        site=site,
        versions={lang: policy.versions(session, site, lang) for lang in ("pl", "en")},
        today=policy.today(),
        form=form or {},
        problems=problems or [],
        published=published,
    )


@router.get("/privacy/policy", dependencies=[page_guard(POLICY)])
def policy_page(
    request: Request,
    session: Db,
    user: User,
    ctx: ConsoleContext,
    published: Annotated[str | None, Query(pattern=r"^(pl|en)-[0-9]{1,6}$")] = None,
) -> Response:
    return _policy_page(request, session, user, published=published)


def _notify(rt: Runtime, version_id: int) -> None:
    notices.notify_customers(rt, version_id)


@router.post("/privacy/policy", dependencies=[page_guard(POLICY)])
def policy_publish(
    request: Request,
    session: Db,
    user: User,
    ctx: ConsoleContext,
    background: BackgroundTasks,
    lang: Annotated[str, Form(max_length=2)],
    effective: Annotated[str, Form(max_length=10)],
    changes: Annotated[str, Form(max_length=4_000)],
    text: Annotated[str, Form(max_length=policy.MAX_CHARS + 1_000)],
    notify: Annotated[str | None, Form(max_length=8)] = None,
) -> Response:
    rt = get_runtime(request)
    form = {"lang": lang, "effective": effective, "changes": changes, "text": text}
    try:
        effective_from = _parse_day(effective)
        version = policy.publish(
            ctx,
            site=rt.settings.site_id,
            lang=lang,
            text=text,
            effective_from=effective_from,
            changes=changes,
        )
    except ValidationFailed as exc:
        return _policy_page(request, session, user, 422, form, exc.details["fields"])
    if notify == "on":
        # after the commit: the e-mails are queued in their own units of work
        background.add_task(_notify, rt, version.id)
    return RedirectResponse(
        f"/console/privacy/policy?published={version.lang}-{version.number}", status_code=303
    )


def _parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationFailed(
            [{"field": "effective", "problem": "a date as YYYY-MM-DD"}]
        ) from None


# -- consent proofs and visit counters (P18) -----------------------------------------------
@router.get("/privacy/consents", dependencies=[page_guard(CONSENTS)])
def consents(
    request: Request,
    session: Db,
    user: User,
    ctx: ConsoleContext,
    consent_id: Annotated[str | None, Query(pattern="^[0-9a-f]{32}$")] = None,
) -> Response:
    site = get_runtime(request).settings.site_id
    return render(
        request,
        "console/consents.html",
        user=user,
        tally=consent.tally(session, site),
        proofs=consent.proofs(ctx, limit=50, consent_id=consent_id),
        consent_id=consent_id or "",
        days=stats.daily(session),
        pages=stats.top_pages(session),
    )


# -- feedback (P24) ------------------------------------------------------------------------
@router.get("/feedback", dependencies=[page_guard(FEEDBACK)])
def feedback_list(request: Request, user: User, ctx: ConsoleContext) -> Response:
    """Read under the purpose chosen in the console; the gate decides (marketing for
    service improvement, the DPO for compliance)."""
    return render(request, "console/feedback.html", user=user, items=feedback.recent(ctx))
