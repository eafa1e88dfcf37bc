"""Saved cards (P20): the number under the card's own key, shown only masked.

A card's key is owned by its customer (`owner_ref` = customer id): removing the card
destroys it, and erasing the customer destroys it with the customer's other keys.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from imbplus.billing.cardcheck import CheckedCard
from imbplus.billing.models import Card
from imbplus.billing.schemas import CardRead
from imbplus.clock import clock
from imbplus.customers import service as customers
from imbplus.errors import Conflict, NotFound
from imbplus.ids import is_uuid
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category
from imbplus.privacy.retention_keys import SCOPE_CARD
from imbplus.privacy.reveal import Grant

TABLE = "cards"
CARD = Category.PAYMENT_CARD


def save(ctx: Context, customer_id: str, card: CheckedCard, token: str, provider: str) -> Card:
    """Keep a card for recurring charges: number, expiry and token under its own key."""
    ctx.check(Action.WRITE, {CARD}, operation="card.save", subjects=[customer_id])
    cid = str(uuid.uuid4())
    key_id = ctx.keyring.create(ctx.session, SCOPE_CARD, owner_ref=customer_id)
    customer_key = customers.data_key_id(ctx, customer_id)
    seal = ctx.keyring.seal
    row = Card(
        id=cid,
        customer_id=customer_id,
        key_id=key_id,
        brand=card.brand,
        pan_ct=seal(ctx.session, key_id, TABLE, "pan_ct", cid, card.pan),
        expiry_ct=seal(ctx.session, key_id, TABLE, "expiry_ct", cid, card.expiry),
        token_ct=seal(ctx.session, key_id, TABLE, "token_ct", cid, token),
        masked_ct=seal(ctx.session, customer_key, TABLE, "masked_ct", cid, card.masked),
        provider=provider,
        status="active",
        created_at=clock.now(),
    )
    ctx.session.add(row)
    ctx.session.flush()
    return row


def _load(ctx: Context, card_id: str) -> Card:
    row = ctx.session.get(Card, card_id) if is_uuid(card_id) else None
    if row is None:
        raise NotFound("no card with this id", card=card_id[:64])
    return row


def _read(grant: Grant, row: Card) -> CardRead:
    masked = grant.reveal_one(Card, row, "masked_ct")
    return CardRead(
        id=row.id, brand=row.brand, masked=masked, status=row.status, created_at=row.created_at
    )


def list_cards(ctx: Context, customer_id: str) -> list[CardRead]:
    grant = ctx.check(Action.READ, {CARD}, operation="card.list", subjects=[customer_id])
    rows = ctx.session.execute(
        select(Card)
        .where(Card.customer_id == customer_id, Card.status == "active")
        .order_by(Card.created_at)
    ).scalars()
    return [_read(grant, r) for r in rows]


def active_card(ctx: Context, card_id: str, customer_id: str) -> Card:
    row = _load(ctx, card_id)
    if row.customer_id != customer_id:
        # not revealing whether another customer's card exists
        raise NotFound("no card with this id", card=card_id[:64])
    if row.status != "active":
        raise Conflict("this card was removed", field="card_id")
    return row


def for_charge(ctx: Context, row: Card) -> tuple[str, str]:
    """(provider token, masked number) of a saved card, revealed through the gate for a
    charge (one decision, one audit record)."""
    token, masked = ctx.reveal(
        Card, row, ("token_ct", "masked_ct"), operation="card.token", subject=row.customer_id
    )
    return token, masked


def remove(ctx: Context, card_id: str) -> CardRead:
    """Forget a card: its key is destroyed, so number, expiry and token are gone."""
    row = _load(ctx, card_id)
    if not ctx.actor.reaches(row.customer_id):
        raise NotFound("no card with this id", card=card_id[:64])
    grant = ctx.check(Action.DELETE, {CARD}, operation="card.remove", subjects=[row.customer_id])
    if row.status == "active":
        ctx.keyring.shred(ctx.session, row.key_id)
        row.status, row.removed_at = "removed", clock.now()
        row.pan_ct = row.expiry_ct = row.token_ct = None
        ctx.session.flush()
    return _read(grant, row)  # the masked number is under the customer's key: still there


def forget_all(ctx: Context, customer_id: str) -> int:
    """Erasure: destroy the keys of every saved card of the customer (the erasure itself
    passed the gate)."""
    rows = list(
        ctx.session.execute(
            select(Card).where(Card.customer_id == customer_id, Card.status == "active")
        ).scalars()
    )
    for row in rows:
        ctx.keyring.shred(ctx.session, row.key_id)
        row.status, row.removed_at = "removed", clock.now()
        row.pan_ct = row.expiry_ct = row.token_ct = None
    ctx.session.flush()
    return len(rows)


def stored_numbers(session: Session, limit: int = 500) -> list[bytes]:
    """A sample of saved card numbers as stored (ciphertext), for the live check that none is
    plain text (P20); nothing is decrypted."""
    stmt = select(Card.pan_ct).where(Card.pan_ct.is_not(None)).limit(limit)
    return [blob for blob in session.execute(stmt).scalars() if blob is not None]
