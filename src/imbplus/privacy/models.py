"""Tables of the privacy core: the keyring and the audit chain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from imbplus.db import Base, UTCDateTime
from imbplus.privacy.catalog import Category as C
from imbplus.privacy.catalog import Protection as P
from imbplus.privacy.catalog import classify, classify_all


class DataKey(Base):
    """A data key; its versions hold the key material wrapped by the master key."""

    __tablename__ = "data_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scope: Mapped[str] = mapped_column(String(32))
    owner_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    active_version: Mapped[int] = mapped_column(Integer, default=1)
    state: Mapped[str] = mapped_column(String(16), default="active")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    shredded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DataKeyVersion(Base):
    __tablename__ = "data_key_versions"

    key_id: Mapped[int] = mapped_column(
        ForeignKey("data_keys.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    wrapped: Mapped[bytes | None] = mapped_column(LargeBinary)
    master_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    destroyed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class KeyRotation(Base):
    """One run of `imbplus keys rotate`; an unfinished run is resumed by the next one."""

    __tablename__ = "key_rotations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    master: Mapped[bool] = mapped_column(Boolean, default=False)
    keys_rotated: Mapped[int] = mapped_column(Integer, default=0)
    values_reencrypted: Mapped[int] = mapped_column(BigInteger, default=0)


class AuditRecord(Base):
    """Append-only (database triggers refuse UPDATE and DELETE), hash-chained."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    ts_us: Mapped[int] = mapped_column(BigInteger)
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str] = mapped_column(String(64))
    actor_role: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(32))
    categories: Mapped[str] = mapped_column(String(255))
    subject_id: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    result: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(255))
    request_id: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_audit_log_subject_seq", "subject_id", "seq"),
        Index("ix_audit_log_ts", "ts_us"),
    )


class AuditHead(Base):
    """The chain head: one row, locked while records are appended."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


_REF = (C.REFERENCE, P.PLAIN)
_AUD = (C.AUDIT_RECORD, P.CHAINED)

classify(
    DataKey.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Key id named in every ciphertext header."),
        "scope": (*_REF, "customer, system or blind_index."),
        "owner_ref": (*_REF, "Pseudonymous id of the key's owner (customer id)."),
        "active_version": (*_REF, "Version used for new encryptions."),
        "state": (*_REF, "active or shredded."),
        "created_at": (*_REF, "When the key was made."),
        "shredded_at": (*_REF, "When the key was destroyed (crypto-shredding)."),
    },
)
classify(
    DataKeyVersion.__table__,  # type: ignore[arg-type]
    {
        "key_id": (*_REF, "Key."),
        "version": (*_REF, "Version."),
        "wrapped": (C.KEY_MATERIAL, P.WRAPPED, "Data key wrapped by the master key."),
        "master_version": (*_REF, "Master key version that wrapped it."),
        "created_at": (*_REF, "Created."),
        "retired_at": (*_REF, "No longer used for new encryptions."),
        "destroyed_at": (*_REF, "Material erased."),
    },
)
classify_all(KeyRotation.__table__, *_REF, "Key rotation run bookkeeping.")  # type: ignore[arg-type]
classify_all(AuditRecord.__table__, *_AUD, "Audit record field; never a personal value.")  # type: ignore[arg-type]
classify_all(AuditHead.__table__, *_AUD, "Audit chain head.")  # type: ignore[arg-type]
