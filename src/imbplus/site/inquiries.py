"""Privacy questions (P23): received from the contact form, answered by the DPO within a
month. Name, address and text are encrypted (under the customer's own key when the sender
was logged in to the portal, otherwise under a system key) and read only through the gate."""

from __future__ import annotations

import calendar
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy import case, func, select

from imbplus.clock import clock
from imbplus.customers import service as customers
from imbplus.errors import Conflict, NotFound, ValidationFailed
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category
from imbplus.privacy.crypto import SCOPE_SYSTEM
from imbplus.site import mail
from imbplus.site.models import PrivacyInquiry
from imbplus.site.schemas import InquiryIn, clean_multiline

TABLE = "privacy_inquiries"
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_READ = {Category.IDENTITY, Category.CONTACT, Category.PRIVACY_INQUIRY}


class Status(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    CLOSED = "closed"


def one_month_later(moment: datetime) -> datetime:
    """The same day next month (the last day when it has fewer days), GDPR art. 12(3)."""
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _reference() -> str:
    return "PRV-" + "".join(secrets.choice(_ALPHABET) for _ in range(6))


def submit(
    ctx: Context, data: InquiryIn, *, lang: str, customer_id: str | None = None
) -> PrivacyInquiry:
    inquiry_id = str(uuid.uuid4())
    subject = customer_id or inquiry_id
    ctx.check(Action.WRITE, _READ, operation="privacy_inquiry.receive", subjects=[subject])
    if customer_id is not None:
        key_id = customers.data_key_id(ctx, customer_id)
    else:
        key_id = ctx.keyring.system_key(ctx.session, SCOPE_SYSTEM)
    now = clock.now()

    def seal(column: str, value: str) -> bytes:
        return ctx.keyring.seal(ctx.session, key_id, TABLE, column, inquiry_id, value)

    reference = _reference()
    while ctx.session.execute(
        select(PrivacyInquiry.id).where(PrivacyInquiry.reference == reference)
    ).first():
        reference = _reference()
    row = PrivacyInquiry(
        id=inquiry_id,
        reference=reference,
        customer_id=customer_id,
        topic=data.topic,
        lang=lang,
        status=Status.NEW.value,
        received_at=now,
        due_at=one_month_later(now),
        updated_at=now,
        name_ct=seal("name_ct", data.name) if data.name else None,
        email_ct=seal("email_ct", data.email),
        message_ct=seal("message_ct", data.message),
    )
    ctx.session.add(row)
    ctx.session.flush()
    return row


@dataclass(frozen=True)
class InboxRow:
    id: str
    reference: str
    topic: str
    lang: str
    status: str
    received_at: datetime
    due_at: datetime
    days_left: int
    from_customer: bool

    @property
    def overdue(self) -> bool:
        return self.days_left < 0 and self.status in (Status.NEW, Status.IN_PROGRESS)


def _days_left(due: datetime) -> int:
    return (due.date() - clock.now().date()).days


def inbox(ctx: Context, *, status: str | None = None, limit: int = 200) -> list[InboxRow]:
    """The DPO's list: references, topics and clocks only, nothing personal."""
    open_first = case((PrivacyInquiry.status.in_(("new", "in_progress")), 0), else_=1)
    stmt = select(PrivacyInquiry).order_by(open_first, PrivacyInquiry.due_at).limit(limit)
    if status:
        stmt = stmt.where(PrivacyInquiry.status == status)
    return [
        InboxRow(
            r.id,
            r.reference,
            r.topic,
            r.lang,
            r.status,
            r.received_at,
            r.due_at,
            _days_left(r.due_at),
            r.customer_id is not None,
        )
        for r in ctx.session.execute(stmt).scalars()
    ]


def counts(ctx: Context) -> dict[str, int]:
    rows = ctx.session.execute(
        select(PrivacyInquiry.status, func.count()).group_by(PrivacyInquiry.status)
    ).all()
    return {status: int(n) for status, n in rows}


class InquiryRead(BaseModel):
    id: str
    reference: str
    topic: str
    lang: str
    status: str
    received_at: datetime
    due_at: datetime
    days_left: int
    answered_at: datetime | None
    customer_id: str | None
    name: str
    email: str
    message: str
    answer: str | None


def _load(ctx: Context, inquiry_id: str) -> PrivacyInquiry:
    row = ctx.session.get(PrivacyInquiry, inquiry_id) if _is_uuid(inquiry_id) else None
    if row is None:
        raise NotFound("no privacy question with this id")
    return row


def _is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def read(ctx: Context, inquiry_id: str) -> InquiryRead:
    row = _load(ctx, inquiry_id)
    name, email, message, answer = ctx.reveal(
        PrivacyInquiry,
        row,
        ("name_ct", "email_ct", "message_ct", "answer_ct"),
        operation="privacy_inquiry.read",
        subject=row.customer_id or row.id,
        empty="",
    )
    return InquiryRead(
        id=row.id,
        reference=row.reference,
        topic=row.topic,
        lang=row.lang,
        status=row.status,
        received_at=row.received_at,
        due_at=row.due_at,
        days_left=_days_left(row.due_at),
        answered_at=row.answered_at,
        customer_id=row.customer_id,
        name=name,
        email=email,
        message=message,
        answer=answer or None,
    )


def set_status(ctx: Context, inquiry_id: str, status: str) -> None:
    row = _load(ctx, inquiry_id)
    try:
        wanted = Status(status)
    except ValueError:
        raise ValidationFailed(
            [{"field": "status", "problem": "new, in_progress, answered or closed"}]
        ) from None
    if wanted == Status.ANSWERED and row.answer_ct is None:
        raise Conflict("write the answer to mark the question answered")
    ctx.check(
        Action.WRITE,
        {Category.PRIVACY_INQUIRY},
        operation="privacy_inquiry.status",
        subjects=[row.customer_id or row.id],
    )
    now = clock.now()
    row.status = wanted.value
    row.updated_at = now
    row.closed_at = now if wanted == Status.CLOSED else None
    ctx.session.flush()


ANSWER_MAX = 10_000


def answer(ctx: Context, inquiry_id: str, text: str) -> None:
    """Store the answer and queue it by e-mail to the sender, in their language."""
    try:
        text = clean_multiline(text, max_len=ANSWER_MAX)
    except ValueError as exc:
        raise ValidationFailed([{"field": "answer", "problem": str(exc)}]) from None
    current = read(ctx, inquiry_id)
    if current.status == Status.CLOSED:
        raise Conflict("this question is closed")
    row = _load(ctx, inquiry_id)
    subject = row.customer_id or row.id
    ctx.check(
        Action.WRITE,
        {Category.PRIVACY_INQUIRY},
        operation="privacy_inquiry.answer",
        subjects=[subject],
    )
    key_id = customers.data_key_id(ctx, row.customer_id) if row.customer_id else None
    sealed_under = (
        key_id if key_id is not None else ctx.keyring.system_key(ctx.session, SCOPE_SYSTEM)
    )
    now = clock.now()
    row.answer_ct = ctx.keyring.seal(ctx.session, sealed_under, TABLE, "answer_ct", row.id, text)
    row.status = Status.ANSWERED.value
    row.answered_at = row.updated_at = now
    if current.lang == "pl":
        title = f"IMB+: odpowiedź na pytanie {row.reference}"
        body = f"Dzień dobry,\n\n{text}\n\nInspektor ochrony danych IMB+\n"
    else:
        title = f"IMB+: answer to your question {row.reference}"
        body = f"Hello,\n\n{text}\n\nThe IMB+ data-protection officer\n"
    mail.send_to_address(
        ctx,
        current.email,
        title,
        body,
        subject_id=subject,
        reference=f"privacy_inquiry:{row.reference}",
        key_id=sealed_under,
    )
    ctx.session.flush()
