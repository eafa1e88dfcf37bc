"""Every e-mail the site sends goes through here, into the notifications outbox.

Messages are queued in the caller's transaction (`imbplus.notify.outbox`), sealed under the
customer's own key, or under a system key for a visitor who is not a customer, and sent by
the outbox worker (`imbplus outbox run`; `deliver` runs it in-process).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from imbplus.customers import service as customers
from imbplus.errors import Erased
from imbplus.notify import outbox, worker
from imbplus.notify.senders import EmailSender
from imbplus.notify.worker import RunReport
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Category
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


def deliver(
    rt: Runtime,
    sender: EmailSender | None = None,
    *,
    limit: int = 500,
    advance: Callable[[int], None] | None = None,
) -> RunReport:
    """Send what is due through the one outbox worker (`imbplus outbox run`): the hand-over
    to the mail relay is checked against its contract and recorded (P04)."""
    senders = worker.default_senders(rt)
    if sender is not None:
        senders.email = sender
    return worker.run_once(rt, senders, limit=limit, advance=advance)
