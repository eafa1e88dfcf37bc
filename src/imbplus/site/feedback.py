"""Comments and suggestions (P24): non-confidential and free to use, stated before sending;
kept apart from customer records (no customer link, not even for a logged-in subscriber);
the text and an optional reply address are still encrypted and read through the gate."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import select

from imbplus.clock import clock
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category
from imbplus.privacy.crypto import SCOPE_SYSTEM
from imbplus.site.models import Feedback
from imbplus.site.schemas import FeedbackIn

TABLE = "feedback"


def submit(ctx: Context, data: FeedbackIn, *, lang: str) -> Feedback:
    feedback_id = str(uuid.uuid4())
    ctx.check(Action.WRITE, {Category.FEEDBACK}, operation="feedback.receive")
    key_id = ctx.keyring.system_key(ctx.session, SCOPE_SYSTEM)

    def seal(column: str, value: str) -> bytes:
        return ctx.keyring.seal(ctx.session, key_id, TABLE, column, feedback_id, value)

    row = Feedback(
        id=feedback_id,
        topic=data.topic,
        lang=lang,
        received_at=clock.now(),
        message_ct=seal("message_ct", data.message),
        email_ct=seal("email_ct", data.email) if data.email else None,
    )
    ctx.session.add(row)
    ctx.session.flush()
    return row


class FeedbackRead(BaseModel):
    id: str
    topic: str
    lang: str
    received_at: datetime
    message: str
    email: str | None


def recent(ctx: Context, *, limit: int = 100) -> list[FeedbackRead]:
    rows = list(
        ctx.session.execute(
            select(Feedback).order_by(Feedback.received_at.desc()).limit(limit)
        ).scalars()
    )
    opened = ctx.reveal_rows(
        Feedback,
        rows,
        ("message_ct", "email_ct"),
        operation="feedback.read",
        subjects=[None],
        empty="",
    )
    return [
        FeedbackRead(
            id=row.id,
            topic=row.topic,
            lang=row.lang,
            received_at=row.received_at,
            message=message,
            email=email or None,
        )
        for row, (message, email) in zip(rows, opened, strict=True)
    ]
