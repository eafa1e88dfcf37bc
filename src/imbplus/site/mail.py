"""Every e-mail the site sends goes through here, into the notifications outbox.

Messages are queued in the caller's transaction (`imbplus.notify.outbox`), sealed under the
customer's own key, or under a system key for a visitor who is not a customer, and sent by
`deliver` (`imbplus site send-mail`): SMTP with a doubling back-off, the text dropped once
sent. `deliver` is a small copy of the shop's notification worker without its processor
hand-over; once that worker is merged, `deliver` becomes a call to it and nothing else in
the site changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from imbplus.clock import clock
from imbplus.customers import service as customers
from imbplus.errors import Erased
from imbplus.notify import outbox
from imbplus.notify.models import OutboxMessage
from imbplus.notify.senders import EmailSender, SendFailed, SmtpSender
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Action, Category, Purpose
from imbplus.privacy.crypto import SCOPE_SYSTEM
from imbplus.runtime import Runtime

FIRST_BACKOFF_S = 30
LEASE_S = 300


def send_to_customer(
    ctx: Context, customer_id: str, subject: str, text: str, *, reference: str
) -> int:
    """Queue an e-mail to a customer's current address (read through the gate)."""
    queued = send_to_customers(ctx, [customer_id], subject, text, reference=reference)
    if not queued:
        raise Erased("this customer's personal data was erased", customer=customer_id)
    return queued[0]


def send_to_customers(
    ctx: Context, customer_ids: Sequence[str], subject: str, text: str, *, reference: str
) -> list[int]:
    """Queue one e-mail to each customer (one gate decision for all, one audit record per
    customer); erased or unknown customers are left out."""
    addresses = customers.emails(ctx, customer_ids, operation="mail.queue")
    queued = []
    for customer_id in customer_ids:
        address = addresses.get(customer_id)
        if address is None:
            continue
        queued.append(
            outbox.enqueue(
                ctx,
                customer_id=customer_id,
                key_id=customers.data_key_id(ctx, customer_id),
                channel="email",
                recipient=address,
                subject=subject,
                body=text,
                reference=reference,
                category=Category.CONTACT,
            )
        )
    return queued


def send_to_address(
    ctx: Context,
    address: str,
    subject: str,
    text: str,
    *,
    subject_id: str,
    reference: str,
    key_id: int | None = None,
) -> int:
    """Queue an e-mail to an address the caller already holds (e.g. the sender of a privacy
    question). `subject_id` names whose data it is (a customer id, or the id of the record
    that holds a visitor's address); without `key_id` it is sealed under a system key."""
    key = key_id if key_id is not None else ctx.keyring.system_key(ctx.session, SCOPE_SYSTEM)
    return outbox.enqueue(
        ctx,
        customer_id=subject_id,
        key_id=key,
        channel="email",
        recipient=address,
        subject=subject,
        body=text,
        reference=reference,
        category=Category.CONTACT,
    )


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    dropped: int = 0
    pending: int = 0


@dataclass
class _Message:
    id: int
    recipient: str
    subject: str
    body: str


def _backoff_s(attempts: int, cap: int) -> int:
    return int(min(FIRST_BACKOFF_S * 2 ** max(attempts - 1, 0), cap))


def _due(rt: Runtime, limit: int) -> list[int]:
    with rt.unit_of_work() as s:
        return list(
            s.execute(
                select(OutboxMessage.id)
                .where(
                    OutboxMessage.status == "pending",
                    OutboxMessage.channel == "email",
                    OutboxMessage.next_attempt_at <= clock.now(),
                )
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(limit)
            ).scalars()
        )


def _claim(rt: Runtime, message_id: int) -> _Message | str | None:
    """Reveal one due message through the gate and lease it; "dropped" when erased."""
    with rt.unit_of_work() as session:
        row = session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .with_for_update(skip_locked=True)
        ).scalar()
        now = clock.now()
        if row is None or row.status != "pending" or row.next_attempt_at > now:
            return None
        ctx = Context(session, rt, Actor.system("outbox"), Purpose(row.purpose))
        ctx.check(
            Action.READ,
            {Category(row.category)},
            operation="outbox.send",
            subjects=[row.customer_id],
        )
        row.attempts += 1
        row.next_attempt_at = now + timedelta(seconds=LEASE_S)
        try:
            if row.recipient_ct is None or row.subject_ct is None or row.body_ct is None:
                raise Erased("message text is gone")
            recipient, subject, body = ctx.keyring.open_values(
                session,
                outbox.TABLE,
                str(row.id),
                ("recipient_ct", "subject_ct", "body_ct"),
                (row.recipient_ct, row.subject_ct, row.body_ct),
            )
        except Erased:
            row.status, row.last_error = "dropped", "recipient erased"
            row.recipient_ct = row.subject_ct = row.body_ct = None
            return "dropped"
        return _Message(row.id, recipient, subject, body)


def _finish(rt: Runtime, message_id: int, error: str | None) -> None:
    with rt.unit_of_work() as session:
        row = session.get(OutboxMessage, message_id, with_for_update=True)
        if row is None:
            return
        now = clock.now()
        if error is None:
            row.status, row.sent_at, row.last_error = "sent", now, None
            row.recipient_ct = row.subject_ct = row.body_ct = None
        else:
            row.last_error = error
            wait = _backoff_s(row.attempts, rt.settings.outbox_max_backoff_s)
            row.next_attempt_at = now + timedelta(seconds=wait)


def deliver(
    rt: Runtime,
    sender: EmailSender | None = None,
    *,
    limit: int = 500,
    advance: Callable[[int], None] | None = None,
) -> DeliveryReport:
    """Send the e-mails that are due; failures wait and are tried again later."""
    mailer = sender or SmtpSender(rt.settings)
    report = DeliveryReport()
    for message_id in _due(rt, limit):
        claimed = _claim(rt, message_id)
        if claimed == "dropped":
            report.dropped += 1
        elif isinstance(claimed, _Message):
            try:
                mailer.send(claimed.recipient, claimed.subject, claimed.body)
                error = None
            except SendFailed as exc:
                error = exc.kind
            _finish(rt, message_id, error)
            if error is None:
                report.sent += 1
            else:
                report.failed += 1
        if advance:
            advance(1)
    with rt.unit_of_work() as s:
        report.pending = int(
            s.execute(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status == "pending")
            ).scalar_one()
        )
    return report


def due_count(rt: Runtime) -> int:
    with rt.unit_of_work() as s:
        return int(
            s.execute(
                select(func.count())
                .select_from(OutboxMessage)
                .where(
                    OutboxMessage.status == "pending",
                    OutboxMessage.next_attempt_at <= clock.now(),
                )
            ).scalar_one()
        )
