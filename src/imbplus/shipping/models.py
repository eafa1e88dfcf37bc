"""Shipment tables. Sealed rows are protected by database triggers (see the migration):

* `shipments`: UPDATE of a sealed row is refused, except a key-rotation re-encryption that
  changes ciphertext columns only while a `key_rotations` run is open; DELETE is refused
  unless a release receipt (`shipment_releases`) for the row exists and the row's
  retention ended on or before the receipt's time.
* `shipment_events`, `shipment_amendments`: append-only in the same way.
* `shipment_releases`: the deletion receipts themselves; append-only, never deleted.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from imbplus.db import Base, UTCDateTime
from imbplus.privacy.catalog import Category as C
from imbplus.privacy.catalog import Protection as P
from imbplus.privacy.catalog import classify, classify_all


class Shipment(Base):
    __tablename__ = "shipments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    order_id: Mapped[str] = mapped_column(String(36), index=True)
    customer_id: Mapped[str] = mapped_column(String(36), index=True)
    parcel_id: Mapped[str] = mapped_column(String(16), unique=True)
    carrier: Mapped[str] = mapped_column(String(64))
    item: Mapped[str] = mapped_column(String(64))  # product id of the box
    status: Mapped[str] = mapped_column(String(16))
    recipient_name_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    street_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    postal_code_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    city_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    email_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    seal_salt_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    field_digests: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retain_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_shipments_status_created", "status", "created_at"),)


class ShipmentEvent(Base):
    __tablename__ = "shipment_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    shipment_id: Mapped[str] = mapped_column(ForeignKey("shipments.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(100))


class ShipmentAmendment(Base):
    """A correction of a shipment record, of a kind the Customer Agreement allows (P09)."""

    __tablename__ = "shipment_amendments"

    # a random id known before the insert: the values are sealed with it (rows are
    # append-only, so they cannot be updated after the insert)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    shipment_id: Mapped[str] = mapped_column(ForeignKey("shipments.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    value_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    reason_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    author: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class ShipmentRelease(Base):
    """Deletion receipt of a sealed shipment whose retention ended (P13)."""

    __tablename__ = "shipment_releases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    shipment_id: Mapped[str] = mapped_column(String(36), index=True)
    parcel_id: Mapped[str] = mapped_column(String(16))
    content_hash: Mapped[str] = mapped_column(String(64))
    retain_until: Mapped[datetime] = mapped_column(UTCDateTime)
    released_at: Mapped[datetime] = mapped_column(UTCDateTime)
    job: Mapped[str] = mapped_column(String(100))
    request_id: Mapped[str] = mapped_column(String(64))


_REF = (C.REFERENCE, P.PLAIN)
_REC = (C.SHIPMENT_RECORD, P.ENCRYPTED)
_CON = (C.SHIPMENT_CONTACT, P.ENCRYPTED)
classify(
    Shipment.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Shipment id."),
        "order_id": (*_REF, "Order it belongs to."),
        "customer_id": (*_REF, "Pseudonymous customer id."),
        "parcel_id": (*_REF, "Parcel id printed on the label (no personal data)."),
        "carrier": (*_REF, "Carrier (a registered processor)."),
        "item": (*_REF, "Product id of the box sent."),
        "status": (*_REF, "created, handed_over, in_transit, delivered, returned, lost."),
        "recipient_name_ct": (*_REC, "Recipient name (retention key: proof of service)."),
        "street_ct": (*_REC, "Delivery street (retention key)."),
        "postal_code_ct": (*_REC, "Delivery postal code (retention key)."),
        "city_ct": (*_REC, "Delivery city (retention key)."),
        "phone_ct": (*_CON, "Recipient phone, for shipment contact only (customer's key)."),
        "email_ct": (*_CON, "Recipient e-mail, for shipment contact only (customer's key)."),
        "seal_salt_ct": (*_REC, "Random salt of the field digests (retention key)."),
        "field_digests": (
            C.SHIPMENT_RECORD,
            P.HASHED,
            "Salted SHA-256 of each personal field at sealing (the salt is encrypted).",
        ),
        "content_hash": (*_REF, "SHA-256 over the sealed record and its events."),
        "created_at": (*_REF, "Created."),
        "updated_at": (*_REF, "Last status change."),
        "sealed_at": (*_REF, "Sealed on completion; the row is read-only from then on."),
        "retain_until": (*_REF, "End of the proof-of-service retention period."),
    },
)
classify(
    ShipmentEvent.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Event id."),
        "shipment_id": (*_REF, "Shipment."),
        "status": (*_REF, "New status."),
        "at": (*_REF, "When."),
        "actor": (*_REF, "Actor label (staff id, system job)."),
    },
)
classify(
    ShipmentAmendment.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Amendment id."),
        "shipment_id": (*_REF, "Shipment amended."),
        "kind": (*_REF, "Kind, from the Customer Agreement's list."),
        "value_ct": (*_REC, "Corrected value (retention key)."),
        "reason_ct": (*_REC, "Reason given (retention key)."),
        "author": (*_REF, "Actor label of the author."),
        "at": (*_REF, "When."),
    },
)
classify_all(
    ShipmentRelease.__table__,  # type: ignore[arg-type]
    C.REFERENCE,
    P.PLAIN,
    "Deletion receipt of a sealed shipment after its retention period.",
)
