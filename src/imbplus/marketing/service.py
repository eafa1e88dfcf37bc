"""Campaigns (P03): written and approved by the marketing role, sent once by the send job.

Draft -> approved (by someone other than the author) -> sent. The marketing role chooses the
audience (`audience.Audience`) and sees only counts, under the small-count guard; it holds no
grant on contact data. Sending runs as `system:marketing`: it matches the audience, leaves
out everyone who objected (B01), reads the addresses through the gate and queues one e-mail
per customer in the outbox, each with its own unsubscribe link. A customer is queued at
most once per campaign (`CampaignRecipient`), so running the send again never reaches
anyone twice; a sent campaign is refused.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from imbplus.clock import clock
from imbplus.errors import AccessDenied, Conflict, NotFound, ValidationFailed
from imbplus.marketing import audience as aud
from imbplus.marketing import links
from imbplus.marketing.models import Campaign, CampaignRecipient
from imbplus.marketing.objections import REFERENCE
from imbplus.portal import mail
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, ActorKind, Category, Purpose
from imbplus.web import i18n

DRAFT, APPROVED, SENT = "draft", "approved", "sent"
LIMITS = {"name": 100, "subject_pl": 150, "subject_en": 150, "body_pl": 5000, "body_en": 5000}
BATCH = 1000
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Texts:
    name: str
    subject_pl: str
    body_pl: str
    subject_en: str
    body_en: str


def _allowed(ctx: Context, action: Action, operation: str) -> None:
    """Campaigns are work of the marketing role (or its send job) for the marketing purpose."""
    if ctx.purpose != Purpose.MARKETING:
        raise AccessDenied("campaigns are for the marketing purpose", purpose=ctx.purpose.value)
    ctx.check(action, {Category.REFERENCE}, operation=operation)


def check_texts(texts: Texts) -> None:
    """Plain text only (shown escaped, mailed as text/plain); one line for a subject."""
    problems = []
    for attr, limit in LIMITS.items():
        value: str = getattr(texts, attr)
        multiline = attr.startswith("body")
        field = "campaign_name" if attr == "name" else attr
        if not value.strip():
            problems.append({"field": field, "problem": "must not be empty"})
        elif len(value) > limit:
            problems.append({"field": field, "problem": f"at most {limit} characters"})
        elif any(ord(ch) < 32 and not (multiline and ch in "\n\r\t") for ch in value):
            problems.append({"field": field, "problem": "control characters are not allowed"})
    if problems:
        raise ValidationFailed(problems)


def create(ctx: Context, texts: Texts, raw_audience: dict[str, object]) -> Campaign:
    _allowed(ctx, Action.WRITE, "marketing.campaign.create")
    problems: list[dict[str, str]] = []
    try:
        check_texts(texts)
    except ValidationFailed as exc:
        problems.extend(exc.details.get("fields", []))
    try:
        audience = aud.parse(ctx, raw_audience)
    except ValidationFailed as exc:
        problems.extend(exc.details.get("fields", []))
    if problems:  # every problem of the form at once, and nothing written
        raise ValidationFailed(problems)
    campaign = Campaign(
        id=str(uuid.uuid4()),
        name=texts.name.strip(),
        subject_pl=texts.subject_pl.strip(),
        body_pl=texts.body_pl.replace("\r\n", "\n"),
        subject_en=texts.subject_en.strip(),
        body_en=texts.body_en.replace("\r\n", "\n"),
        audience=audience.to_json(),
        status=DRAFT,
        created_by=ctx.actor.label,
        created_at=clock.now(),
        queued=0,
        excluded=0,
    )
    ctx.session.add(campaign)
    ctx.session.flush()
    ctx.note("marketing.campaign_created", reason=f"campaign:{campaign.id}")
    return campaign


def get(ctx: Context, campaign_id: str) -> Campaign:
    _allowed(ctx, Action.READ, "marketing.campaign.read")
    try:
        found = ctx.session.get(Campaign, str(uuid.UUID(campaign_id)))
    except ValueError:
        found = None
    if found is None:
        raise NotFound("no campaign with this id", campaign=campaign_id[:64])
    return found


def list_all(ctx: Context) -> list[Campaign]:
    _allowed(ctx, Action.READ, "marketing.campaign.list")
    return list(
        ctx.session.execute(select(Campaign).order_by(Campaign.created_at.desc())).scalars()
    )


@dataclass(frozen=True)
class Preview:
    matching: int | None  # None: fewer than audience.SMALL_COUNT (not shown)
    objected: int | None
    eligible: int | None


def preview(ctx: Context, audience: aud.Audience) -> Preview:
    """How many customers a filter reaches: counts only, small ones withheld."""
    _allowed(ctx, Action.READ, "marketing.audience.count")
    found = aud.split(aud.job_context(ctx), audience)
    eligible = len(found.eligible)
    return Preview(
        aud.shown(eligible + found.objected), aud.shown(found.objected), aud.shown(eligible)
    )


def approve(ctx: Context, campaign_id: str) -> Campaign:
    campaign = get(ctx, campaign_id)
    _allowed(ctx, Action.WRITE, "marketing.campaign.approve")
    if campaign.status != DRAFT:
        raise Conflict("only a draft can be approved", status=campaign.status)
    if ctx.actor.kind is not ActorKind.STAFF or campaign.created_by == ctx.actor.label:
        raise AccessDenied("a campaign is approved by a staff member other than its author")
    campaign.status, campaign.approved_by, campaign.approved_at = (
        APPROVED,
        ctx.actor.label,
        clock.now(),
    )
    ctx.session.flush()
    ctx.note("marketing.campaign_approved", reason=f"campaign:{campaign.id}")
    return campaign


def _text(ctx: Context, campaign: Campaign) -> tuple[str, Callable[[str], str]]:
    """Subject and per-customer text in both languages (a customer's language is not
    recorded), each with the customer's own unsubscribe link."""
    base = ctx.platform.settings.public_base_url
    master = ctx.keyring.master
    subject = f"{campaign.subject_pl} / {campaign.subject_en}"
    bodies = {"pl": campaign.body_pl, "en": campaign.body_en}

    def text(customer_id: str) -> str:
        return "\n\n----\n\n".join(
            bodies[lang].strip()
            + "\n\n"
            + i18n.translate(
                lang, "marketing.mail.footer", link=links.url(base, master, customer_id, lang)
            )
            for lang in ("pl", "en")
        )

    return subject, text


@dataclass(frozen=True)
class SendReport:
    queued: int
    objected: int
    already: int  # queued by an earlier run of the same send


def send(ctx: Context, campaign_id: str, progress: Progress | None = None) -> SendReport:
    """Queue an approved campaign for its audience, once; the send job does the mailing."""
    campaign = get(ctx, campaign_id)
    _allowed(ctx, Action.WRITE, "marketing.campaign.send")
    if campaign.status == SENT:
        raise Conflict("this campaign was sent already", campaign=campaign.id)
    if campaign.status != APPROVED:
        raise Conflict("a campaign must be approved before it is sent", status=campaign.status)
    job = aud.job_context(ctx)
    found = aud.split(job, aud.Audience.from_json(campaign.audience))
    done = set(
        job.session.execute(
            select(CampaignRecipient.customer_id).where(
                CampaignRecipient.campaign_id == campaign.id
            )
        ).scalars()
    )
    targets = [cid for cid in found.eligible if cid not in done]
    subject, text = _text(job, campaign)
    queued = 0
    now = clock.now()
    for start in range(0, len(targets), BATCH):
        chunk = targets[start : start + BATCH]
        sent = mail.send_each(job, chunk, subject, text, reference=f"{REFERENCE}{campaign.id}")
        job.session.add_all(
            CampaignRecipient(campaign_id=campaign.id, customer_id=c, queued_at=now) for c in sent
        )
        job.session.flush()
        queued += len(sent)
        if progress:
            progress(start + len(chunk), len(targets))
    campaign.status, campaign.sent_at = SENT, now
    campaign.queued, campaign.excluded = len(done) + queued, found.objected
    job.session.flush()
    ctx.note("marketing.campaign_sent", reason=f"campaign:{campaign.id} n={queued}")
    return SendReport(queued, found.objected, len(done))
