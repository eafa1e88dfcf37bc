"""Card payments through the provider adapter (P20), recorded with their outcome.

Before the provider is called, the hand-over of card data is checked and written to the
disclosure register (kept even if the order then fails; marked sandboxed when the adapter
is a sandbox). The CVV goes to the provider inside `CheckedCard` and nowhere else.
"""

from __future__ import annotations

import uuid
import weakref
from dataclasses import dataclass
from datetime import datetime, timedelta

from imbplus.billing import cards
from imbplus.billing.cardcheck import CheckedCard
from imbplus.billing.invoices import mark_paid
from imbplus.billing.models import Card, Invoice, Payment
from imbplus.billing.provider import (
    PROVIDERS,
    Approval,
    PaymentDeclined,
    PaymentProvider,
    PaymentTimeout,
)
from imbplus.clock import clock
from imbplus.customers import service as customers
from imbplus.errors import Erased
from imbplus.privacy import audit, disclosure
from imbplus.privacy.access import Context, Platform
from imbplus.privacy.catalog import Category
from imbplus.processors import service as processors

TABLE = "payments"
_PROVIDERS: weakref.WeakKeyDictionary[Platform, PaymentProvider] = weakref.WeakKeyDictionary()
CARD_FIELDS = ["card.number", "card.expiry", "card.cvv", "amount"]
TOKEN_FIELDS = ["card.token", "amount"]


def provider(rt: Platform) -> PaymentProvider:
    """The configured payment adapter of this process (one per runtime)."""
    found = _PROVIDERS.get(rt)
    if found is None:
        found = _PROVIDERS[rt] = PROVIDERS.create(rt.settings)
    return found


def _hand_over(ctx: Context, customer_id: str, fields: list[str], reference: str) -> None:
    processor = processors.for_step(ctx, ctx.platform.settings.payment_processor)
    disclosure.hand_over(
        ctx,
        processor,
        categories={Category.PAYMENT_CARD, Category.BILLING_RECORD},
        fields=fields,
        subject=customer_id,
        reference=reference,
        sandbox=provider(ctx.platform).sandbox,
        keep_on_rollback=True,
    )


def _keep_failure(ctx: Context, customer_id: str, reference: str, code: str) -> None:
    """An audit record of a failed authorization that survives the rollback."""
    audit.queue(
        ctx.session,
        [
            audit.Entry(
                actor_kind=ctx.actor.kind.value,
                actor_id=ctx.actor.id,
                actor_role=",".join(ctx.actor.roles),
                purpose=ctx.purpose.value,
                categories="payment_card",
                subject_id=customer_id,
                action="payment.authorize",
                result="error",
                reason=f"{reference} {code}"[:255],
                request_id=ctx.request_id,
                keep_on_rollback=True,
            )
        ],
    )


@dataclass(frozen=True)
class Authorized:
    approval: Approval
    brand: str
    masked: str
    card_id: str | None


def authorize_checkout(
    ctx: Context,
    *,
    customer_id: str,
    order_id: str,
    amount: int,
    card: CheckedCard | None,
    saved: Card | None,
    save: bool,
    idempotency_key: str,
) -> Authorized:
    """Charge a new card (with its CVV) or a saved one; PaymentDeclined / PaymentTimeout
    propagate, so the caller's unit of work leaves nothing but the evidence."""
    reference = f"order:{order_id}"
    pay = provider(ctx.platform)
    try:
        if card is not None:
            _hand_over(ctx, customer_id, CARD_FIELDS, reference)
            approval = pay.authorize(
                card, amount=amount, currency="PLN", idempotency_key=idempotency_key, save=save
            )
            saved_row = None
            if save and approval.token:
                saved_row = cards.save(ctx, customer_id, card, approval.token, pay.processor_id)
            return Authorized(
                approval, card.brand, card.masked, saved_row.id if saved_row else None
            )
        assert saved is not None
        token, masked = cards.for_charge(ctx, saved)
        _hand_over(ctx, customer_id, TOKEN_FIELDS, reference)
        approval = pay.charge_token(
            token, amount=amount, currency="PLN", idempotency_key=idempotency_key
        )
        return Authorized(approval, saved.brand, masked, saved.id)
    except (PaymentDeclined, PaymentTimeout) as exc:
        _keep_failure(ctx, customer_id, reference, str(exc.details.get("decline_code", exc.code)))
        raise


def record(
    ctx: Context,
    *,
    customer_id: str,
    kind: str,
    amount: int,
    status: str,
    brand: str,
    masked: str | None,
    card_id: str | None,
    order_id: str | None = None,
    invoice_id: str | None = None,
    provider_ref: str | None = None,
    decline_code: str | None = None,
    attempt: int = 1,
    at: datetime | None = None,
) -> Payment:
    pid = str(uuid.uuid4())
    row = Payment(
        id=pid,
        customer_id=customer_id,
        kind=kind,
        order_id=order_id,
        invoice_id=invoice_id,
        card_id=card_id,
        brand=brand,
        amount_gross=amount,
        currency="PLN",
        status=status,
        provider=ctx.platform.settings.payment_processor,
        provider_ref=provider_ref,
        decline_code=decline_code,
        attempt=attempt,
        created_at=at or clock.now(),
    )
    if masked is not None:
        try:
            key_id = customers.data_key_id(ctx, customer_id)
            row.masked_ct = ctx.keyring.seal(ctx.session, key_id, TABLE, "masked_ct", pid, masked)
        except Erased:
            pass
    ctx.session.add(row)
    ctx.session.flush()
    return row


def charge_invoice(ctx: Context, invoice: Invoice, card: Card) -> Payment:
    """A merchant-initiated charge of a saved card for an unpaid invoice. The outcome is
    recorded (declines and timeouts too) and a failed charge scheduled for a retry."""
    invoice.charge_attempts += 1
    attempt = invoice.charge_attempts
    now = clock.now()
    reference = f"invoice:{invoice.id}"
    token, masked = cards.for_charge(ctx, card)
    _hand_over(ctx, invoice.customer_id, TOKEN_FIELDS, reference)
    status, ref, code = "approved", None, None
    try:
        approval = provider(ctx.platform).charge_token(
            token,
            amount=invoice.gross_total,
            currency=invoice.currency,
            idempotency_key=f"{reference}:{attempt}",
        )
        ref = approval.reference
        mark_paid(invoice, now)
    except PaymentDeclined as exc:
        status, code = "declined", str(exc.details.get("decline_code", "declined"))
    except PaymentTimeout:
        status, code = "failed", "timeout"
    if status != "approved":
        delays = ctx.platform.settings.charge_retry_hours
        invoice.next_charge_at = (
            now + timedelta(hours=delays[attempt - 1]) if attempt <= len(delays) else None
        )
    return record(
        ctx,
        customer_id=invoice.customer_id,
        kind="recurring",
        amount=invoice.gross_total,
        status=status,
        brand=card.brand,
        masked=masked,
        card_id=card.id,
        invoice_id=invoice.id,
        provider_ref=ref,
        decline_code=code,
        attempt=attempt,
        at=now,
    )
