"""E-mail to customers: the one place the portal and the surveys send mail from.

A message is written to the outbox (`notify.outbox.enqueue`) in the same unit of work
as the change that caused it, so it goes out if and only if that change committed. The
address, subject and text are encrypted under the customer's own key and dropped once the
message is handed to the mail relay. The outbox worker (`imbplus outbox run`) decrypts through
the gate, records the hand-over to the mail relay and sends with retries and backoff.

Some messages must not go out once the customer has changed their mind after they were
queued (a survey invitation after a survey opt-out): the domain registers a check for its
reference prefix with `suppress_when`, and delivery cancels a message the check refuses.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from imbplus.customers import service as customers
from imbplus.notify import outbox, worker
from imbplus.notify.models import OutboxMessage
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category
from imbplus.runtime import Runtime

log = logging.getLogger("imbplus.mail")
TABLE = outbox.TABLE
PENDING, SENT, CANCELLED = "pending", "sent", "cancelled"
_FIRST_RETRY_S = 30

suppress_when = outbox.suppress_when  # registered checks live with the outbox


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
    for customer_id, address in addresses.items():
        _queue(ctx, customer_id, address, subject, text, reference)
    return len(addresses)


def send_each(
    ctx: Context,
    customer_ids: Sequence[str],
    subject: str,
    text_for: Callable[[str], str],
    *,
    reference: str,
) -> list[str]:
    """Queue one e-mail per customer whose text is their own (`text_for(customer_id)`, e.g.
    with a personal link); one gate decision for all. Returns the customers queued."""
    addresses = customers.emails(ctx, customer_ids, operation="mail.queue")
    for customer_id, address in addresses.items():
        _queue(ctx, customer_id, address, subject, text_for(customer_id), reference)
    return list(addresses)


def send_to_new_address(
    ctx: Context, customer_id: str, address: str, subject: str, text: str, *, reference: str
) -> None:
    """Queue an e-mail to an address the customer gave but which is not on record yet (a
    new address to confirm); sealed under the customer's key like the rest."""
    ctx.check(Action.READ, {Category.CONTACT}, operation="mail.queue", subjects=[customer_id])
    _queue(ctx, customer_id, address, subject, text, reference)


def _queue(
    ctx: Context, customer_id: str, address: str, subject: str, text: str, reference: str
) -> None:
    """One e-mail into the outbox, sealed under the customer's key."""
    outbox.enqueue(
        ctx,
        customer_id=customer_id,
        key_id=customers.data_key_id(ctx, customer_id),
        channel="email",
        recipient=address,
        subject=_one_line(subject, 200),
        body=text,
        reference=reference,
        category=Category.CONTACT,
    )


def queued_since(session: Session, customer_id: str, reference: str, since: datetime) -> int:
    """Messages of one kind queued for a customer since `since`, sent or not."""
    return int(
        session.execute(
            select(func.count())
            .select_from(OutboxMessage)
            .where(
                OutboxMessage.customer_id == customer_id,
                OutboxMessage.reference == reference,
                OutboxMessage.created_at > since,
            )
        ).scalar_one()
    )


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


def deliver_due(rt: Runtime, *, limit: int = 200) -> Delivery:
    """Send what is due through the one outbox worker (`imbplus outbox run`)."""
    report = worker.run_once(rt, worker.default_senders(rt), limit=limit)
    return Delivery(report.sent, report.failed, report.cancelled + report.dropped)
