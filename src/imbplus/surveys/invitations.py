"""Who is asked to answer, and the opt-out that every invitation path honours (P19).

Every way of inviting customers (the portal notice, an e-mail, a bulk invitation from the
console or `imbplus surveys invite`) goes through `invite`, which asks `eligible`: active
customers who did not opt out, were not invited on that channel and did not answer. The
opt-out is also checked when the portal lists invitations and when the outbox delivers an
invitation e-mail, so a message queued before the opt-out is never sent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from imbplus.clock import clock
from imbplus.customers import service as customers
from imbplus.errors import Conflict, PurposeRequired, ValidationFailed
from imbplus.portal import mail, reminders
from imbplus.portal.models import CustomerAccount
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.surveys import service as surveys
from imbplus.surveys.models import Invitation, OptOut, Response, Survey
from imbplus.surveys.schemas import Status
from imbplus.web import i18n

CHANNELS = ("portal", "email")
REFERENCE = "survey:"
BATCH = 1000


def opted_out(session: Session, customer_id: str) -> bool:
    return session.get(OptOut, customer_id) is not None


def opted_out_at(session: Session, customer_id: str) -> datetime | None:
    row = session.get(OptOut, customer_id)
    return row.opted_out_at if row else None


def opt_out(ctx: Context, customer_id: str) -> None:
    """Opt out of every survey, for good: pending invitations and queued invitation e-mails
    are withdrawn. Asking again changes nothing."""
    if opted_out(ctx.session, customer_id):
        return
    ctx.session.add(OptOut(customer_id=customer_id, opted_out_at=clock.now()))
    answered = select(Response.survey_id).where(Response.customer_id == customer_id)
    ctx.session.execute(
        delete(Invitation).where(
            Invitation.customer_id == customer_id, Invitation.survey_id.not_in(answered)
        )
    )
    mail.cancel_pending(ctx, customer_id, REFERENCE)
    ctx.session.flush()
    ctx.note("survey.opted_out", subject=customer_id)


def _opted_out_among(session: Session, ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), BATCH):
        chunk = list(ids[start : start + BATCH])
        found.update(
            session.execute(select(OptOut.customer_id).where(OptOut.customer_id.in_(chunk)))
            .scalars()
            .all()
        )
    return found


def _with_account_among(session: Session, ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), BATCH):
        chunk = list(ids[start : start + BATCH])
        found.update(
            session.execute(
                select(CustomerAccount.customer_id).where(
                    CustomerAccount.customer_id.in_(chunk), CustomerAccount.active.is_(True)
                )
            )
            .scalars()
            .all()
        )
    return found


def eligible(
    ctx: Context, survey: Survey, channel: str, customer_ids: Sequence[str] | None = None
) -> list[str]:
    """The customers an invitation on `channel` may go to. Opted-out customers never are."""
    active = customers.active_ids(ctx)
    if customer_ids is not None:
        wanted = set(customer_ids)
        active = [c for c in active if c in wanted]
    session = ctx.session
    excluded = _opted_out_among(session, active)
    excluded.update(
        session.execute(
            select(Invitation.customer_id).where(
                Invitation.survey_id == survey.id, Invitation.channel == channel
            )
        ).scalars()
    )
    excluded.update(
        c
        for c in session.execute(
            select(Response.customer_id).where(Response.survey_id == survey.id)
        ).scalars()
        if c
    )
    candidates = [c for c in active if c not in excluded]
    if channel == "portal":
        with_account = _with_account_among(session, candidates)
        candidates = [c for c in candidates if c in with_account]
    return candidates


@dataclass
class InviteReport:
    invited: int
    skipped: int  # asked for but not eligible (opted out, invited already, answered, ...)


def invite(
    ctx: Context,
    survey_id: str,
    channel: str,
    customer_ids: Sequence[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> InviteReport:
    """Invite customers (all eligible ones when `customer_ids` is None) on one channel."""
    if channel not in CHANNELS:
        raise ValidationFailed([{"field": "channel", "problem": "portal or email"}])
    surveys.require_author(ctx)
    if ctx.purpose != Purpose.MARKET_RESEARCH:
        raise PurposeRequired(
            "surveys are sent for market research only", purpose=ctx.purpose.value
        )
    survey = surveys.get(ctx.session, survey_id)
    if survey.status != Status.OPEN or not surveys.for_customers(survey):
        raise Conflict("only an open survey for customers can be sent out")
    targets = eligible(ctx, survey, channel, customer_ids)
    asked = len(customer_ids) if customer_ids is not None else len(targets)
    now = clock.now()
    done = 0
    for start in range(0, len(targets), BATCH):
        chunk = targets[start : start + BATCH]
        if channel == "email":
            mail.send_to_customers(
                _mailer(ctx),
                chunk,
                *_invitation_text(ctx, survey),
                reference=f"{REFERENCE}{survey.id}",
            )
        ctx.session.add_all(
            Invitation(survey_id=survey.id, customer_id=c, channel=channel, invited_at=now)
            for c in chunk
        )
        ctx.session.flush()
        done += len(chunk)
        if progress:
            progress(done, len(targets))
    ctx.note("survey.invited", reason=f"survey:{survey.id} channel={channel} n={done}")
    return InviteReport(invited=done, skipped=max(0, asked - done))


def _mailer(ctx: Context) -> Context:
    """The survey system reads the addresses and queues the e-mails: whoever sends a survey
    out (the marketing role in the console) never holds contact data."""
    return Context(ctx.session, ctx.platform, Actor.system("surveys"), ctx.purpose, ctx.request_id)


def _invitation_text(ctx: Context, survey: Survey) -> tuple[str, str]:
    """Subject and text in both languages (a customer's language is not recorded)."""
    base = ctx.platform.settings.public_base_url.rstrip("/")
    link = {
        lang: f"{base}{i18n.localized(lang, f'/portal/surveys/{survey.id}')}"
        for lang in ("pl", "en")
    }
    subject = f"IMB+: {survey.title}"
    text = "\n\n----\n\n".join(
        i18n.translate(lang, "surveys.mail.invite", title=survey.title, link=link[lang])
        for lang in ("pl", "en")
    )
    return subject, text


def pending_for(session: Session, customer_id: str) -> list[Survey]:
    """Open surveys this customer was invited to and did not answer (none after opt-out)."""
    if opted_out(session, customer_id):
        return []
    answered = select(Response.survey_id).where(Response.customer_id == customer_id)
    return list(
        session.execute(
            select(Survey)
            .join(Invitation, Invitation.survey_id == Survey.id)
            .where(
                Invitation.customer_id == customer_id,
                Survey.status == Status.OPEN.value,
                Survey.id.not_in(answered),
            )
            .distinct()
            .order_by(Survey.opened_at)
        ).scalars()
    )


mail.suppress_when(REFERENCE, opted_out)
reminders.register_invitations("surveys", pending_for)  # listed on the portal home page
