"""The outbox worker: `imbplus outbox run`. At-least-once delivery, nothing lost.

Each message is claimed in a short transaction (its next attempt is pushed a lease ahead,
so a crashed worker's claim simply expires), its contact data is revealed through the gate
and the hand-over checked against the processor's contract; it is then sent outside any
transaction and the outcome written in a second one: sent, with the hand-over recorded in
the disclosure register under the processor's reference (recipient and text dropped), or a
retry after a doubling backoff, with nothing recorded as handed over. A message a sandbox
adapter took is `sandboxed`, and so is its register row: it never left this machine.
Several workers on several hosts can run at once and need no lease for the whole run: each
message is its own lease (claimed with `FOR UPDATE SKIP LOCKED` on PostgreSQL, its next
attempt pushed ahead), so it is handed over once, and a run counts the messages another run
claimed first (`elsewhere`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select

from imbplus.clock import clock
from imbplus.errors import DomainError, Erased
from imbplus.notify import outbox
from imbplus.notify.models import OutboxMessage
from imbplus.notify.senders import SMS, EmailSender, SendFailed, SmsSender, email_sender
from imbplus.privacy import disclosure
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Category, Purpose
from imbplus.processors import service as processors
from imbplus.runtime import Runtime

LEASE_S = 300
_TEXT = ("recipient_ct", "subject_ct", "body_ct")
FIRST_BACKOFF_S = 30


@dataclass
class Senders:
    email: EmailSender
    sms: SmsSender


@dataclass
class RunReport:
    sent: int = 0
    sandboxed: int = 0  # taken by a sandbox adapter: nothing left this machine
    failed: int = 0
    dropped: int = 0  # the customer was erased: never to be sent
    cancelled: int = 0  # the customer withdrew it (e.g. opted out of surveys)
    elsewhere: int = 0  # claimed by another run (another worker or host) first
    pending: int = 0
    errors: Counter[str] = field(default_factory=Counter)  # why sends failed, by kind

    def failed_because(self, reason: str) -> None:
        self.failed += 1
        self.errors[reason] += 1


@dataclass
class _Claimed:
    id: int
    channel: str
    recipient: str
    subject: str
    body: str
    allowed: disclosure.Allowed


def default_senders(rt: Runtime) -> Senders:
    """The configured adapters (`IMBPLUS_SMS_ADAPTER`; e-mail goes to the SMTP relay)."""
    return Senders(email=email_sender(rt.settings), sms=SMS.create(rt.settings))


def backoff_s(attempts: int, cap: int) -> int:
    return int(min(FIRST_BACKOFF_S * 2 ** max(attempts - 1, 0), cap))


def due_ids(rt: Runtime, limit: int) -> list[int]:
    with rt.unit_of_work() as s:
        return list(
            s.execute(
                select(OutboxMessage.id)
                .where(OutboxMessage.status == "pending")
                .where(OutboxMessage.next_attempt_at <= clock.now())
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(limit)
            ).scalars()
        )


def _claim(rt: Runtime, message_id: int) -> _Claimed | str | None:
    """The revealed message; None when another worker has it; "dropped" when the customer
    was erased; "cancelled" when the customer withdrew it."""
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
        if outbox.suppressed(session, row):
            row.status, row.last_error = "cancelled", "withdrawn by the customer"
            row.recipient_ct = row.subject_ct = row.body_ct = None
            ctx.note("outbox.cancelled", subject=row.customer_id, reason=row.reference)
            return "cancelled"
        row.attempts += 1
        row.next_attempt_at = now + timedelta(seconds=LEASE_S)
        try:  # the category the message holds is the one the gate decides on
            recipient, subject, body = ctx.reveal(
                OutboxMessage, row, _TEXT, operation="outbox.send", subject=row.customer_id
            )
        except Erased:
            # the customer was erased: the message can never be sent, and must not be
            row.status, row.last_error = "dropped", "recipient erased"
            row.recipient_ct = row.subject_ct = row.body_ct = None
            return "dropped"
        kind = rt.settings.mail_processor if row.channel == "email" else rt.settings.sms_processor
        allowed = disclosure.allow(
            ctx,
            processors.for_step(ctx, kind),
            categories={Category(row.category)},
            fields=["email" if row.channel == "email" else "phone", "message"],
            subject=row.customer_id,
            reference=f"outbox:{row.id} {row.reference}",
        )
        return _Claimed(row.id, row.channel, recipient, subject, body, allowed)


def _done(rt: Runtime, claimed: _Claimed, sandbox: bool, processor_ref: str) -> None:
    """The message left (or a sandbox took it): record the hand-over, drop the text."""
    with rt.unit_of_work() as session:
        row = session.get(OutboxMessage, claimed.id, with_for_update=True)
        if row is None:
            return
        row.status = "sandboxed" if sandbox else "sent"
        row.sent_at, row.last_error = clock.now(), None
        row.recipient_ct = row.subject_ct = row.body_ct = None  # minimise what is kept
        ctx = Context(session, rt, Actor.system("outbox"), Purpose(row.purpose))
        disclosure.record(ctx, claimed.allowed, sandbox=sandbox, processor_ref=processor_ref)


def _retry(rt: Runtime, message_id: int, error: str, claimed: bool = True) -> None:
    with rt.unit_of_work() as session:
        row = session.get(OutboxMessage, message_id, with_for_update=True)
        if row is None:
            return
        if not claimed:
            row.attempts += 1
        row.last_error = error
        wait = backoff_s(row.attempts, rt.settings.outbox_max_backoff_s)
        row.next_attempt_at = clock.now() + timedelta(seconds=wait)


def run_once(
    rt: Runtime,
    senders: Senders,
    *,
    limit: int = 500,
    advance: Callable[[int], None] | None = None,
) -> RunReport:
    """Send what is due now; failures are rescheduled. Returns what happened."""
    report = RunReport()
    for message_id in due_ids(rt, limit):
        try:
            claimed = _claim(rt, message_id)
        except DomainError as exc:
            # e.g. the processor's contract expired: nothing left; retried later
            _retry(rt, message_id, exc.code, claimed=False)
            report.failed_because(exc.code)
            claimed = None
        if claimed == "dropped":
            report.dropped += 1
        elif claimed == "cancelled":
            report.cancelled += 1
        elif claimed is None:
            report.elsewhere += 1
        elif isinstance(claimed, _Claimed):
            _deliver(rt, senders, claimed, report)
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


def _deliver(rt: Runtime, senders: Senders, message: _Claimed, report: RunReport) -> None:
    sender: EmailSender | SmsSender = senders.email if message.channel == "email" else senders.sms
    try:
        if message.channel == "email":
            reference = senders.email.send(message.recipient, message.subject, message.body)
        else:
            reference = senders.sms.send(message.recipient, message.body)
    except SendFailed as exc:
        _retry(rt, message.id, exc.kind)
        report.failed_because(exc.kind)
        return
    _done(rt, message, sender.sandbox, reference)
    if sender.sandbox:
        report.sandboxed += 1
    else:
        report.sent += 1
