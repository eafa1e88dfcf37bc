"""Objection to direct marketing (GDPR art. 21(2)-(3), B01): absolute and for good.

Three ways in: the switch in the portal, the link in every marketing message (no login),
and a data-subject request (`compliance.rights.open_request` with kind `objection`). Each
is recorded with its time and channel and never expires. From that moment no campaign
queues a message to the person, and a message queued before it is cancelled: at once
(`mail.cancel_pending`) and again by the outbox when it comes to send it (`suppress_when`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from imbplus.clock import clock
from imbplus.marketing.models import Objection
from imbplus.portal import mail
from imbplus.privacy.access import Context

REFERENCE = "marketing:"
CHANNELS = ("portal", "link", "request:portal", "request:email", "request:post", "request:phone")
BATCH = 1000


def current(session: Session, customer_id: str) -> Objection | None:
    """The objection in force, if any."""
    return session.execute(
        select(Objection)
        .where(Objection.customer_id == customer_id, Objection.withdrawn_at.is_(None))
        .order_by(Objection.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def objected(session: Session, customer_id: str) -> bool:
    return current(session, customer_id) is not None


def objected_among(session: Session, ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), BATCH):
        chunk = list(ids[start : start + BATCH])
        found.update(
            session.execute(
                select(Objection.customer_id).where(
                    Objection.customer_id.in_(chunk), Objection.withdrawn_at.is_(None)
                )
            ).scalars()
        )
    return found


def object_to_marketing(ctx: Context, customer_id: str, channel: str) -> datetime:
    """Record the objection (once: asking again keeps the first) and withdraw every queued
    marketing message. Returns when it took effect."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel}")
    found = current(ctx.session, customer_id)
    if found is not None:
        return found.objected_at
    now = clock.now()
    ctx.session.add(Objection(customer_id=customer_id, objected_at=now, channel=channel))
    ctx.session.flush()
    mail.cancel_pending(ctx, customer_id, REFERENCE)
    ctx.note("marketing.objected", subject=customer_id, reason=f"channel={channel}")
    return now


def withdraw(ctx: Context, customer_id: str) -> bool:
    """The customer's own choice in the portal: offers are welcome again. The objection
    stays on record with the time it was withdrawn."""
    found = current(ctx.session, customer_id)
    if found is None:
        return False
    found.withdrawn_at = clock.now()
    ctx.session.flush()
    ctx.note("marketing.objection_withdrawn", subject=customer_id)
    return True


def history(session: Session, customer_id: str) -> list[Objection]:
    return list(
        session.execute(
            select(Objection).where(Objection.customer_id == customer_id).order_by(Objection.id)
        ).scalars()
    )


mail.suppress_when(REFERENCE, objected)
