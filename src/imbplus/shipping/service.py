"""Shipments (P08, P09, P10): created per box, status events, notices, sealing, labels.

Every step runs for the `shipment_contact` purpose (a checkout for `billing` derives a
context for it). Recipient name and address are a shipment record under the year's
retention key (kept as proof of service, P13); phone and e-mail are shipment contact data
under the customer's own key, used to send shipment notices and nothing else (P08).
"""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import func, select

from imbplus.clock import clock
from imbplus.customers import service as customers
from imbplus.errors import Conflict, Erased, NotFound
from imbplus.ids import is_uuid
from imbplus.privacy import disclosure
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category, Purpose
from imbplus.privacy.crypto import key_ref
from imbplus.privacy.retention_keys import retention_key
from imbplus.privacy.reveal import Grant
from imbplus.processors import service as processors
from imbplus.shipping import anchors, carrier, notices, seal
from imbplus.shipping.carrier import CarrierParcel
from imbplus.shipping.models import Shipment, ShipmentAmendment, ShipmentEvent
from imbplus.shipping.schemas import (
    AddressRead,
    AmendmentRead,
    ContactRead,
    EventRead,
    Recipient,
    RecipientRead,
    SealCheck,
    ShipmentRead,
    ShipmentSummary,
)

TABLE = "shipments"
RECORD = Category.SHIPMENT_RECORD
CONTACT = Category.SHIPMENT_CONTACT
FINAL = frozenset({"delivered", "returned", "lost"})
NEXT: dict[str, tuple[str, ...]] = {
    "created": ("handed_over", "lost"),
    "handed_over": ("in_transit", "delivered", "returned", "lost"),
    "in_transit": ("delivered", "returned", "lost"),
}
_REC_COLUMNS = ("recipient_name_ct", "street_ct", "postal_code_ct", "city_ct")
_CON_COLUMNS = ("phone_ct", "email_ct")


class Sealed(Conflict):
    code = "shipment_sealed"


def for_shipment(ctx: Context) -> Context:
    """The same caller and request, declaring the shipment_contact purpose."""
    if ctx.purpose is Purpose.SHIPMENT_CONTACT:
        return ctx
    return replace(ctx, purpose=Purpose.SHIPMENT_CONTACT)


def new_parcel_id() -> str:
    body = f"{secrets.randbelow(10**9):09d}"
    check = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body)) % 10
    return f"IMB{body}{(10 - check) % 10}"


def _seal_value(ctx: Context, key_id: int, column: str, row_id: str, value: str) -> bytes:
    return ctx.keyring.seal(ctx.session, key_id, TABLE, column, row_id, value)


def create(
    ctx: Context, *, order_id: str, customer_id: str, item: str, recipient: Recipient
) -> str:
    """A shipment for one box; the recipient is told by e-mail and SMS."""
    ctx = for_shipment(ctx)
    ctx.check(Action.WRITE, {RECORD, CONTACT}, operation="shipment.create", subjects=[customer_id])
    now = clock.now()
    sid = str(uuid.uuid4())
    record_key = retention_key(ctx, "shipments", now.year)
    customer_key = customers.data_key_id(ctx, customer_id)
    row = Shipment(
        id=sid,
        order_id=order_id,
        customer_id=customer_id,
        parcel_id=new_parcel_id(),
        carrier=ctx.platform.settings.carrier_processor,
        item=item,
        status="created",
        created_at=now,
        updated_at=now,
    )
    values = {
        "recipient_name_ct": (record_key, recipient.name),
        "street_ct": (record_key, recipient.street),
        "postal_code_ct": (record_key, recipient.postal_code),
        "city_ct": (record_key, recipient.city),
        "phone_ct": (customer_key, recipient.phone),
        "email_ct": (customer_key, recipient.email),
    }
    for column, (key_id, value) in values.items():
        setattr(row, column, _seal_value(ctx, key_id, column, sid, value))
    ctx.session.add(row)
    ctx.session.add(ShipmentEvent(shipment_id=sid, status="created", at=now, actor=ctx.actor.label))
    ctx.session.flush()
    notices.send(ctx, row, customer_key, recipient.phone, recipient.email)
    return sid


# -- reads ---------------------------------------------------------------------------------
def _load(ctx: Context, shipment_id: str, *, lock: bool = False) -> Shipment:
    if not is_uuid(shipment_id):
        raise NotFound("no shipment with this id", shipment=shipment_id[:64])
    stmt = select(Shipment).where(Shipment.id == shipment_id)
    if lock:
        stmt = stmt.with_for_update()
    row = ctx.session.execute(stmt).scalar()
    if row is None:
        raise NotFound("no shipment with this id", shipment=shipment_id[:64])
    return row


def _events(ctx: Context, shipment_id: str) -> list[ShipmentEvent]:
    return list(
        ctx.session.execute(
            select(ShipmentEvent)
            .where(ShipmentEvent.shipment_id == shipment_id)
            .order_by(ShipmentEvent.id)
        ).scalars()
    )


def _recipient(grant: Grant, row: Shipment) -> RecipientRead:
    name, street, postal_code, city = grant.reveal(Shipment, row, _REC_COLUMNS)
    return RecipientRead(
        name=name, address=AddressRead(street=street, postal_code=postal_code, city=city)
    )


def _contact(grant: Grant, row: Shipment) -> ContactRead | None:
    try:
        phone, email = grant.reveal(Shipment, row, _CON_COLUMNS)
    except Erased:
        return None
    return ContactRead(phone=phone, email=email)


def _amendments(grant: Grant, shipment_id: str) -> list[AmendmentRead]:
    rows = list(
        grant.ctx.session.execute(
            select(ShipmentAmendment)
            .where(ShipmentAmendment.shipment_id == shipment_id)
            .order_by(ShipmentAmendment.at, ShipmentAmendment.id)
        ).scalars()
    )
    opened = grant.reveal_rows(ShipmentAmendment, rows, ("value_ct", "reason_ct"))
    return [
        AmendmentRead(
            id=a.id, kind=a.kind, reason=reason, author=a.author, at=a.at, **json.loads(value)
        )
        for a, (value, reason) in zip(rows, opened, strict=True)
    ]


def effective(recipient: RecipientRead, amendments: list[AmendmentRead]) -> RecipientRead:
    current = recipient.model_copy(deep=True)
    for a in amendments:
        if a.name is not None:
            current.name = a.name
        if a.address is not None:
            current.address = a.address
    return current


def delivery_recipient(grant: Grant, row: Shipment) -> RecipientRead:
    """Name and address a parcel goes to, corrections applied (what a carrier needs)."""
    return effective(_recipient(grant, row), _amendments(grant, row.id))


def _summary(row: Shipment) -> ShipmentSummary:
    return ShipmentSummary(
        id=row.id,
        parcel_id=row.parcel_id,
        order_id=row.order_id,
        customer_id=row.customer_id,
        carrier=row.carrier,
        item=row.item,
        status=row.status,
        created_at=row.created_at,
        updated_at=row.updated_at,
        sealed_at=row.sealed_at,
    )


def _read_model(grant: Grant, row: Shipment) -> ShipmentRead:
    recipient = _recipient(grant, row)
    amendments = _amendments(grant, row.id)
    events = _events(grant.ctx, row.id)
    return ShipmentRead(
        **_summary(row).model_dump(),
        recipient=recipient,
        contact=_contact(grant, row),
        effective_recipient=effective(recipient, amendments),
        events=[EventRead(status=e.status, at=e.at, actor=e.actor) for e in events],
        amendments=amendments,
        content_hash=row.content_hash,
        retain_until=row.retain_until,
    )


def get(ctx: Context, shipment_id: str) -> ShipmentRead:
    row = _load(ctx, shipment_id)
    grant = ctx.check(
        Action.READ, {RECORD, CONTACT}, operation="shipment.read", subjects=[row.customer_id]
    )
    return _read_model(grant, row)


def list_shipments(
    ctx: Context,
    *,
    status: str | None = None,
    customer_id: str | None = None,
    order_id: str | None = None,
    limit: int = 50,
) -> list[ShipmentSummary]:
    """Newest first; no personal values (one audit record per customer listed)."""
    customer_id = ctx.actor.whose(customer_id)
    stmt = select(Shipment).order_by(Shipment.created_at.desc(), Shipment.id).limit(limit)
    if status:
        stmt = stmt.where(Shipment.status == status)
    if customer_id:
        stmt = stmt.where(Shipment.customer_id == customer_id)
    if order_id:
        stmt = stmt.where(Shipment.order_id == order_id)
    rows = list(ctx.session.execute(stmt).scalars())
    subjects: list[str | None] = [*sorted({r.customer_id for r in rows})] or [customer_id]
    ctx.check(Action.READ, {RECORD}, operation="shipment.list", subjects=subjects)
    return [_summary(r) for r in rows]


# -- changes -------------------------------------------------------------------------------
def change_status(ctx: Context, shipment_id: str, status: str) -> ShipmentRead:
    ctx = for_shipment(ctx)
    row = _load(ctx, shipment_id, lock=True)
    subjects = [row.customer_id]
    ctx.check(Action.WRITE, {RECORD}, operation="shipment.status", subjects=subjects)
    grant = ctx.check(Action.READ, {RECORD, CONTACT}, operation="shipment.read", subjects=subjects)
    if row.sealed_at is not None:
        raise Sealed(
            "this shipment is completed and sealed; its record can only be amended",
            field="status",
            shipment=row.id,
        )
    allowed = NEXT.get(row.status, ())
    if status not in allowed:
        raise Conflict(
            f"a shipment cannot go from {row.status} to {status}",
            field="status",
            allowed=list(allowed),
        )
    now = clock.now()
    if status == "handed_over":
        _hand_to_carrier(grant, row)
    row.status, row.updated_at = status, now
    ctx.session.add(ShipmentEvent(shipment_id=row.id, status=status, at=now, actor=ctx.actor.label))
    ctx.session.flush()
    contact = _contact(grant, row)
    if contact is not None:
        key_id = key_ref(row.phone_ct or b"")[0]
        notices.send(ctx, row, key_id, contact.phone, contact.email)
    if status in FINAL:
        _seal(grant, row)
    ctx.note("shipment.status", subject=row.customer_id, reason=f"shipment:{row.id} {status}")
    return _read_model(grant, row)


def _hand_to_carrier(grant: Grant, row: Shipment) -> None:
    ctx = grant.ctx
    allowed = disclosure.allow(
        ctx,
        processors.for_step(ctx, row.carrier),
        categories={RECORD},
        fields=carrier.PARCEL_FIELDS,
        subject=row.customer_id,
        reference=f"shipment:{row.id}",
    )
    recipient = delivery_recipient(grant, row)
    to = recipient.address
    parcel = CarrierParcel(row.parcel_id, recipient.name, to.street, to.postal_code, to.city)
    carrier.announce(ctx, allowed, parcel)


def _seal(grant: Grant, row: Shipment) -> None:
    ctx = grant.ctx
    values = dict(zip(seal.PERSONAL[:4], grant.reveal(Shipment, row, _REC_COLUMNS), strict=True))
    contact = _contact(grant, row)
    if contact is not None:
        values.update(phone=contact.phone, email=contact.email)
    salt = seal.new_salt()
    record_key = key_ref(row.recipient_name_ct or b"")[0]
    now = clock.now()
    row.seal_salt_ct = _seal_value(ctx, record_key, "seal_salt_ct", row.id, salt)
    row.field_digests = json.dumps(seal.field_digests(salt, values), sort_keys=True)
    row.sealed_at = now
    row.retain_until = now + timedelta(days=ctx.platform.settings.shipment_retention_days)
    row.content_hash = seal.content_hash(row, _events(ctx, row.id))
    ctx.session.flush()
    ctx.note(anchors.SEALED, subject=row.customer_id, reason=anchors.sealed_reason(row))


def verify(ctx: Context, shipment_id: str) -> SealCheck:
    """Recompute the content hash and compare every field that can still be decrypted."""
    row = _load(ctx, shipment_id)
    grant = ctx.check(
        Action.READ, {RECORD, CONTACT}, operation="shipment.verify", subjects=[row.customer_id]
    )
    if row.sealed_at is None or row.field_digests is None or row.seal_salt_ct is None:
        return SealCheck(shipment_id=row.id, sealed=False, hash_ok=False, fields={})
    hash_ok = seal.content_hash(row, _events(ctx, row.id)) == row.content_hash
    stored = json.loads(row.field_digests)
    fields: dict[str, str] = {}
    salt = grant.reveal_one(Shipment, row, "seal_salt_ct")
    columns = {
        **dict(zip(seal.PERSONAL[:4], _REC_COLUMNS, strict=True)),
        "phone": "phone_ct",
        "email": "email_ct",
    }
    for name, column in columns.items():
        try:
            value = grant.reveal_one(Shipment, row, column)
        except Erased:
            fields[name] = "erased"
            continue
        fresh = seal.field_digests(salt, {name: value})[name]
        fields[name] = "ok" if fresh == stored.get(name) else "changed"
    return SealCheck(shipment_id=row.id, sealed=True, hash_ok=hash_ok, fields=fields)


def label(ctx: Context, shipment_id: str) -> tuple[str, bytes]:
    """(parcel id, PDF) with only what the carrier needs (P10): the effective recipient's
    name and address, the parcel id and its barcode."""
    from imbplus.shipping.labels import LabelData, render_pdf

    ctx = for_shipment(ctx)
    row = _load(ctx, shipment_id)
    grant = ctx.check(Action.READ, {RECORD}, operation="shipment.label", subjects=[row.customer_id])
    recipient = effective(_recipient(grant, row), _amendments(grant, row.id))
    data = LabelData(
        parcel_id=row.parcel_id,
        name=recipient.name,
        street=recipient.address.street,
        postal_code=recipient.address.postal_code,
        city=recipient.address.city,
    )
    return row.parcel_id, render_pdf(data)


def kept_for_proof(ctx: Context, customer_id: str) -> tuple[int, datetime | None]:
    """(sealed records of the customer, when the last one's retention ends)."""
    count, until = ctx.session.execute(
        select(func.count(), func.max(Shipment.retain_until)).where(
            Shipment.customer_id == customer_id, Shipment.sealed_at.is_not(None)
        )
    ).one()
    return int(count), until
