"""Queue a message in the outbox, in the caller's transaction (sent iff it commits)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from imbplus import plugin
from imbplus.clock import clock
from imbplus.notify.models import OutboxMessage
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Category

TABLE = "outbox_messages"
CHANNELS = ("email", "sms")
# Domains reserved for examples and tests (RFC 2606, RFC 6761): no real mailbox behind them
RESERVED_DOMAINS = ("example.com", "example.net", "example.org")
RESERVED_TLDS = ("test", "invalid", "example", "localhost")
NOT_RESERVED = "demo: e-mail only to domains reserved for examples"


def reserved(address: str) -> bool:
    """Whether an e-mail address is at a domain reserved for examples and tests."""
    domain = address.rpartition("@")[2].lower().rstrip(".")
    if domain.rpartition(".")[2] in RESERVED_TLDS:
        return True
    return any(domain == d or domain.endswith(f".{d}") for d in RESERVED_DOMAINS)


def enqueue(
    ctx: Context,
    *,
    customer_id: str,
    key_id: int,
    channel: str,
    recipient: str,
    subject: str,
    body: str,
    reference: str,
    category: Category,
) -> int:
    """The caller has passed the gate for `category`; values are sealed under `key_id`
    (the customer's key, so erasing the customer erases queued messages too)."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel}")
    refused = (
        channel == "email"
        and ctx.platform.settings.outbox_reserved_domains_only
        and not reserved(recipient)
    )
    now = clock.now()
    row = OutboxMessage(
        customer_id=customer_id,
        channel=channel,
        purpose=ctx.purpose.value,
        category=category.value,
        reference=reference[:100],
        status="dropped" if refused else "pending",
        attempts=0,
        last_error=NOT_RESERVED if refused else None,
        next_attempt_at=now,
        created_at=now,
    )
    ctx.session.add(row)
    ctx.session.flush()
    if refused:
        return row.id  # nothing of the message is kept: it will never be sent
    rid = str(row.id)
    seal = ctx.keyring.seal
    row.recipient_ct = seal(ctx.session, key_id, TABLE, "recipient_ct", rid, recipient)
    row.subject_ct = seal(ctx.session, key_id, TABLE, "subject_ct", rid, subject)
    row.body_ct = seal(ctx.session, key_id, TABLE, "body_ct", rid, body)
    ctx.session.flush()
    return row.id


def counts(ctx: Context) -> dict[str, int]:
    rows = ctx.session.execute(
        select(OutboxMessage.status, OutboxMessage.channel, func.count()).group_by(
            OutboxMessage.status, OutboxMessage.channel
        )
    ).all()
    return {f"{status}/{channel}": n for status, channel, n in rows}


# -- messages the customer no longer wants ------------------------------------------------
Suppression = Callable[[Session, str], bool]  # (session, customer id) -> must not be sent
_SUPPRESSIONS: dict[str, Suppression] = {}


def suppress_when(reference_prefix: str, check: Suppression) -> None:
    """Cancel queued messages whose reference starts with `reference_prefix` when
    `check(session, customer_id)` says so at sending time (e.g. a survey invitation after
    the customer opted out of surveys)."""
    _SUPPRESSIONS[reference_prefix] = check


def suppressed(session: Session, row: OutboxMessage) -> bool:
    plugin.require("suppressions")  # each domain's plugin names its module
    return any(
        row.reference.startswith(prefix) and check(session, row.customer_id)
        for prefix, check in _SUPPRESSIONS.items()
    )


@dataclass(frozen=True)
class Delivery:
    """Where the newest message of one business reference is: nothing personal."""

    status: str  # pending | sent | sandboxed | dropped | cancelled
    queued_at: datetime
    sent_at: datetime | None
    attempts: int
    last_error: str | None


def delivery(session: Session, reference: str) -> Delivery | None:
    row = session.execute(
        select(OutboxMessage)
        .where(OutboxMessage.reference == reference[:100])
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if row is None:
        return None
    return Delivery(row.status, row.created_at, row.sent_at, row.attempts, row.last_error)
