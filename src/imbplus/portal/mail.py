"""E-mail to customers: the one place the portal and the surveys send mail from.

A message is written to the outbox (`notify.outbox.enqueue`) in the same unit of work
as the change that caused it, so it goes out if and only if that change committed. The
address, subject and text are encrypted under the customer's own key and dropped once the
message is handed to the mail relay. `deliver_due` (run by `imbplus mail send`) decrypts
through the gate, as the `outbox` system job, and sends over SMTP with retries and backoff.

Some messages must not go out once the customer has changed their mind after they were
queued (a survey invitation after a survey opt-out): the domain registers a check for its
reference prefix with `suppress_when`, and delivery cancels a message the check refuses.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import smtplib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from imbplus.clock import clock
from imbplus.customers import service as customers
from imbplus.errors import DomainError
from imbplus.notify import outbox
from imbplus.notify.models import OutboxMessage
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Action, Category, Purpose
from imbplus.runtime import Runtime

log = logging.getLogger("imbplus.mail")
TABLE = outbox.TABLE
PENDING, SENT, CANCELLED = "pending", "sent", "cancelled"
_FIRST_RETRY_S = 30

Suppression = Callable[[Session, str], bool]  # (session, customer id) -> must not be sent
_SUPPRESSIONS: dict[str, Suppression] = {}
# modules that register suppressions; imported before a delivery run
_SUPPRESSION_MODULES = ("imbplus.surveys.invitations",)


def suppress_when(reference_prefix: str, check: Suppression) -> None:
    """Cancel queued messages whose reference starts with `reference_prefix` when
    `check(session, customer_id)` says so at delivery time."""
    _SUPPRESSIONS[reference_prefix] = check


def _one_line(text: str, limit: int) -> str:
    return " ".join(text.split())[:limit]


def send_to_customer(
    ctx: Context, customer_id: str, subject: str, text: str, *, reference: str
) -> bool:
    """Queue an e-mail to a customer's address on record; False when there is none."""
    return send_to_customers(ctx, [customer_id], subject, text, reference=reference) == 1


def send_to_customers(
    ctx: Context, customer_ids: Sequence[str], subject: str, text: str, *, reference: str
) -> int:
    """Queue the same e-mail to many customers (one gate decision for all of them; the
    purpose of `ctx` is recorded with each message). Returns how many were queued."""
    addresses = customers.emails(ctx, customer_ids, operation="mail.queue")
    subject = _one_line(subject, 200)
    for customer_id, address in addresses.items():
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
    return len(addresses)


def cancel_pending(ctx: Context, customer_id: str, reference_prefix: str) -> int:
    """Withdraw a customer's queued messages of one kind (their text is dropped)."""
    result = ctx.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.customer_id == customer_id,
            OutboxMessage.status == PENDING,
            OutboxMessage.reference.startswith(reference_prefix, autoescape=True),
        )
        .values(status=CANCELLED, recipient_ct=None, subject_ct=None, body_ct=None)
    )
    cancelled = int(result.rowcount or 0)  # type: ignore[attr-defined]
    if cancelled:
        ctx.note("mail.cancelled", subject=customer_id, reason=f"{reference_prefix}* {cancelled}")
    return cancelled


def pending_count(session: Session, customer_id: str, reference_prefix: str = "") -> int:
    rows = session.execute(
        select(OutboxMessage.id).where(
            OutboxMessage.customer_id == customer_id,
            OutboxMessage.status == PENDING,
            OutboxMessage.reference.startswith(reference_prefix, autoescape=True),
        )
    ).all()
    return len(rows)


# -- delivery --------------------------------------------------------------------------
@dataclass
class Delivery:
    sent: int = 0
    failed: int = 0
    cancelled: int = 0


class _Relay:
    """One SMTP connection for a delivery run, opened on first use."""

    def __init__(self, rt: Runtime) -> None:
        self.settings = rt.settings
        self.smtp: smtplib.SMTP | None = None

    def send(self, recipient: str, subject: str, body: str) -> None:
        if self.smtp is None:
            self.smtp = smtplib.SMTP(
                self.settings.smtp_host,
                self.settings.smtp_port,
                timeout=self.settings.smtp_timeout_s,
            )
        message = EmailMessage()
        message["From"] = self.settings.mail_from
        message["To"] = recipient
        message["Subject"] = subject
        message["Message-ID"] = make_msgid(domain="imb-iptv.example")
        message.set_content(body)
        self.smtp.send_message(message)

    def close(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.smtp.quit()
            self.smtp = None


def _backoff(rt: Runtime, attempts: int) -> timedelta:
    return timedelta(
        seconds=min(_FIRST_RETRY_S * 2 ** (attempts - 1), rt.settings.outbox_max_backoff_s)
    )


def _suppressed(session: Session, row: OutboxMessage) -> bool:
    return any(
        row.reference.startswith(prefix) and check(session, row.customer_id)
        for prefix, check in _SUPPRESSIONS.items()
    )


def deliver_due(rt: Runtime, *, limit: int = 200) -> Delivery:
    """Send the messages that are due; failures are retried later with a growing wait."""
    for module in _SUPPRESSION_MODULES:
        importlib.import_module(module)
    report = Delivery()
    relay = _Relay(rt)
    try:
        with rt.unit_of_work() as session:
            stmt = (
                select(OutboxMessage)
                .where(
                    OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= clock.now()
                )
                .order_by(OutboxMessage.id)
                .limit(limit)
            )
            if session.get_bind().dialect.name == "postgresql":
                stmt = stmt.with_for_update(skip_locked=True)
            rows = list(session.execute(stmt).scalars())
            for row in rows:
                _deliver_one(rt, session, relay, row, report)
    finally:
        relay.close()
    return report


def _drop_text(row: OutboxMessage) -> None:
    row.recipient_ct = row.subject_ct = row.body_ct = None


def _deliver_one(
    rt: Runtime, session: Session, relay: _Relay, row: OutboxMessage, report: Delivery
) -> None:
    ctx = Context(session, rt, Actor.system("outbox"), Purpose(row.purpose))
    if _suppressed(session, row) or None in (row.recipient_ct, row.subject_ct, row.body_ct):
        row.status = CANCELLED
        _drop_text(row)
        ctx.note("mail.cancelled", subject=row.customer_id, reason=row.reference)
        report.cancelled += 1
        return
    try:
        ctx.check(
            Action.READ,
            {Category(row.category)},
            operation="mail.deliver",
            subjects=[row.customer_id],
        )
        recipient, subject, body = ctx.keyring.open_values(
            session,
            TABLE,
            str(row.id),
            ("recipient_ct", "subject_ct", "body_ct"),
            (row.recipient_ct, row.subject_ct, row.body_ct),  # type: ignore[arg-type]
        )
    except DomainError as exc:
        # a refused purpose or an erased customer: this message can never be sent
        row.status, row.last_error = CANCELLED, exc.code
        _drop_text(row)
        report.cancelled += 1
        return
    try:
        relay.send(recipient, subject, body)
    except (OSError, smtplib.SMTPException) as exc:
        relay.close()
        row.attempts += 1
        row.last_error = type(exc).__name__
        row.next_attempt_at = clock.now() + _backoff(rt, row.attempts)
        log.warning("mail %s not delivered (%s), attempt %d", row.id, row.last_error, row.attempts)
        report.failed += 1
        return
    row.status, row.sent_at, row.attempts = SENT, clock.now(), row.attempts + 1
    _drop_text(row)
    report.sent += 1
