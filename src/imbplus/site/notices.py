"""Telling customers about a new policy version (P22): an e-mail through the outbox, and a
notice in the portal on their next visit until they dismiss it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from imbplus.clock import clock
from imbplus.customers import service as customers
from imbplus.errors import NotFound
from imbplus.privacy.catalog import Purpose
from imbplus.runtime import Runtime
from imbplus.site import mail, policy
from imbplus.site.models import PolicyNotice, PolicyVersion
from imbplus.web import i18n

BATCH = 200


@dataclass(frozen=True)
class PolicyNoticeView:
    version_id: int
    number: int
    effective_from: date
    changes: str
    in_force: bool


def pending_for(
    session: Session, site: str, lang: str, customer_id: str, since: datetime
) -> PolicyNoticeView | None:
    """The newest version published after `since` (the account's opening) that the
    customer has not dismissed yet."""
    latest = policy.latest(session, site, lang)
    if latest is None or latest.number == 1 or latest.published_at <= since:
        return None
    notice = session.get(PolicyNotice, (latest.id, customer_id))
    if notice is not None and notice.seen_at is not None:
        return None
    return PolicyNoticeView(
        latest.id,
        latest.number,
        latest.effective_from,
        latest.changes,
        latest.effective_from <= policy.today(),
    )


def mark_seen(session: Session, customer_id: str, version_id: int) -> None:
    if session.get(PolicyVersion, version_id) is None:
        raise NotFound("no such policy version", version=version_id)
    notice = session.get(PolicyNotice, (version_id, customer_id))
    if notice is None:
        notice = PolicyNotice(version_id=version_id, customer_id=customer_id)
        session.add(notice)
    notice.seen_at = clock.now()
    session.flush()


def message(version: PolicyVersion, base_url: str) -> tuple[str, str]:
    """Subject and text of the e-mail about a version, in the version's language."""
    link = f"{base_url.rstrip('/')}{i18n.prefix(version.lang)}/privacy/versions/{version.number}"
    values = {
        "number": version.number,
        "date": i18n.format_day(version.effective_from, version.lang),
        "changes": version.changes,
        "link": link,
    }
    return (
        i18n.translate(version.lang, "policy.mail.subject"),
        i18n.translate(version.lang, "policy.mail.body", **values),
    )


def notify_customers(
    rt: Runtime, version_id: int, *, advance: Callable[[int], None] | None = None
) -> int:
    """Queue the e-mail to every active customer not told yet; safe to run again."""
    with rt.job("policy_notice", Purpose.SERVICE_DELIVERY) as ctx:
        version = ctx.session.get(PolicyVersion, version_id)
        if version is None:
            raise NotFound("no such policy version", version=version_id)
        subject, text = message(version, rt.settings.public_base_url)
        reference = f"policy:{version.site}/{version.lang}/v{version.number}"
        everyone = customers.active_ids(ctx)
    queued = 0
    for start in range(0, len(everyone), BATCH):
        batch = everyone[start : start + BATCH]
        with rt.job("policy_notice", Purpose.SERVICE_DELIVERY) as ctx:
            told = set(
                ctx.session.execute(
                    select(PolicyNotice.customer_id).where(
                        PolicyNotice.version_id == version_id,
                        PolicyNotice.customer_id.in_(batch),
                        PolicyNotice.mailed_at.is_not(None),
                    )
                ).scalars()
            )
            todo = [c for c in batch if c not in told]
            if todo:
                mail.send_to_customers(ctx, todo, subject, text, reference=reference)
            now = clock.now()
            for customer_id in todo:
                notice = ctx.session.get(PolicyNotice, (version_id, customer_id))
                if notice is None:
                    notice = PolicyNotice(version_id=version_id, customer_id=customer_id)
                    ctx.session.add(notice)
                notice.mailed_at = now
            queued += len(todo)
        if advance:
            advance(len(batch))
    return queued


def customers_to_tell(rt: Runtime) -> int:
    with rt.job("policy_notice", Purpose.SERVICE_DELIVERY) as ctx:
        return len(customers.active_ids(ctx))
