"""The disclosure register (P01, P04, P06): every hand-over of data to a processor, and
every dataset handed to a third party or an authority (`privacy/releases.py`).

`hand_over` is the one way out to a processor: the actor handing the data over must be
allowed to export those categories for the purpose, the processor's contract must cover
them on that date (the gate checks its scope), and a register row names the processor, its
contract, the purpose, the categories and fields (never their values), the subject and the
business reference. The register is append-only (database triggers).

A step that learns only afterwards whether the data left (a message to a gateway) checks
first (`allow`) and records once it has (`record`), with the processor's own reference of
it. A hand-over to a sandbox adapter is recorded with `sandbox` set: the data went to a
local stand-in and never left this machine.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import Boolean, Float, Index, Integer, String, false, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from imbplus.clock import clock
from imbplus.db import Base, UTCDateTime
from imbplus.errors import AccessDenied
from imbplus.privacy import audit
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Action, Category, classify_all
from imbplus.privacy.catalog import Protection as P


class ProcessorInfo(Protocol):
    """A processor under contract, as the register needs it (`processors.service` has it)."""

    @property
    def id(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def contract_ref(self) -> str: ...

    def valid_at(self, at: datetime) -> bool: ...

    def actor(self, at: datetime | None = None) -> Actor: ...


class Disclosure(Base):
    __tablename__ = "disclosures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    recipient_kind: Mapped[str] = mapped_column(String(16))  # processor|third_party|authority
    recipient_id: Mapped[str] = mapped_column(String(64))
    contract_ref: Mapped[str] = mapped_column(String(100))
    purpose: Mapped[str] = mapped_column(String(32))
    categories: Mapped[str] = mapped_column(String(255))
    fields: Mapped[str] = mapped_column(String(255))
    subject_id: Mapped[str | None] = mapped_column(String(64))
    reference: Mapped[str] = mapped_column(String(100))
    actor: Mapped[str] = mapped_column(String(100))
    request_id: Mapped[str] = mapped_column(String(64))
    # a sandbox adapter took it: nothing left this machine
    sandbox: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    processor_ref: Mapped[str | None] = mapped_column(String(100))  # e.g. its message id
    # a dataset handed over as a file (releases.py): what, on which basis, how anonymous
    recipient_name: Mapped[str | None] = mapped_column(String(200))
    legal_basis: Mapped[str | None] = mapped_column(String(100))
    dataset: Mapped[str | None] = mapped_column(String(64))
    subject_count: Mapped[int | None] = mapped_column(Integer)
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    k_anonymity: Mapped[int | None] = mapped_column(Integer)  # None: not anonymized
    l_diversity: Mapped[int | None] = mapped_column(Integer)
    risk_max: Mapped[float | None] = mapped_column(Float)  # prosecutor risk, worst record
    risk_avg: Mapped[float | None] = mapped_column(Float)  # prosecutor risk, average

    __table_args__ = (
        Index("ix_disclosures_subject", "subject_id", "id"),
        Index("ix_disclosures_recipient", "recipient_id", "id"),
    )


classify_all(
    Disclosure.__table__,  # type: ignore[arg-type]
    Category.AUDIT_RECORD,
    P.CHAINED,
    "Disclosure register field: who received which categories, why; never a value.",
)

# Kinds of recipient (P01): a processor under contract, an authority on a legal basis, or
# a third party, which receives anonymized data only.
PROCESSOR = "processor"
AUTHORITY = "authority"
THIRD_PARTY = "third_party"
RECIPIENT_KINDS = (PROCESSOR, AUTHORITY, THIRD_PARTY)


@dataclass(frozen=True)
class DisclosureRead:
    id: int
    at: datetime
    recipient_kind: str
    recipient_id: str
    contract_ref: str
    purpose: str
    categories: list[str]
    fields: list[str]
    subject_id: str | None
    reference: str
    actor: str
    sandbox: bool
    processor_ref: str | None
    recipient_name: str | None = None
    legal_basis: str | None = None
    dataset: str | None = None
    subject_count: int | None = None
    file_sha256: str | None = None
    k_anonymity: int | None = None
    l_diversity: int | None = None
    risk_max: float | None = None


@dataclass(frozen=True)
class Allowed:
    """A hand-over the gate allowed, to `record` once the data has left."""

    processor: ProcessorInfo
    categories: tuple[Category, ...]
    fields: tuple[str, ...]
    subject: str | None
    reference: str


def allow(
    ctx: Context,
    processor: ProcessorInfo,
    *,
    categories: Iterable[Category],
    fields: Iterable[str],
    subject: str | None,
    reference: str,
) -> Allowed:
    """Check one hand-over without recording it; raises AccessDenied (audited)."""
    cats = sorted(set(categories))
    ctx.check(Action.EXPORT, cats, operation=f"disclose.{processor.kind}", subjects=[subject])
    now = clock.now()
    receiving = Context(
        ctx.session, ctx.platform, processor.actor(now), ctx.purpose, ctx.request_id
    )
    try:
        receiving.check(Action.READ, cats, operation="processor.receive", subjects=[subject])
    except AccessDenied as exc:
        exc.details["processor"] = processor.id
        if not processor.valid_at(now):
            exc.details["contract"] = "not valid on this date"
        raise
    return Allowed(processor, tuple(cats), tuple(fields), subject, reference)


def record(
    ctx: Context,
    allowed: Allowed,
    *,
    sandbox: bool,
    processor_ref: str | None = None,
    keep_on_rollback: bool = False,
) -> None:
    """Write the register row of an allowed hand-over (`sandbox`: nothing left).

    `keep_on_rollback`: the data leaves before the unit of work knows whether it will
    commit (a card sent for authorization); the register row is written even if it fails.
    """
    values = {
        "at": clock.now(),
        "recipient_kind": PROCESSOR,
        "recipient_id": allowed.processor.id,
        "contract_ref": allowed.processor.contract_ref,
        "purpose": ctx.purpose.value,
        "categories": ",".join(c.value for c in allowed.categories),
        "fields": ",".join(allowed.fields),
        "subject_id": allowed.subject,
        "reference": allowed.reference[:100],
        "actor": ctx.actor.label[:100],
        "request_id": ctx.request_id,
        "sandbox": sandbox,
        "processor_ref": processor_ref[:100] if processor_ref else None,
    }
    ctx.session.add(Disclosure(**values))
    ctx.session.flush()
    if keep_on_rollback:
        # The gate's decision goes with the register row: a hand-over on the register
        # without its decision is what the P01 check looks for.
        decision = ctx._entry(
            f"disclose.{allowed.processor.kind}",
            ",".join(c.value for c in allowed.categories),
            allowed.subject,
            "allowed",
            "kept: the data left before the unit of work failed",
            ",".join(ctx.actor.roles),
        )

        def keep(side: Session) -> None:
            side.add(Disclosure(**values))
            audit.queue(side, [decision])

        ctx.session.info.setdefault(audit.KEEP_ON_ROLLBACK, []).append(keep)


def hand_over(
    ctx: Context,
    processor: ProcessorInfo,
    *,
    categories: Iterable[Category],
    fields: Iterable[str],
    subject: str | None,
    reference: str,
    sandbox: bool,
    keep_on_rollback: bool = False,
) -> None:
    """Check and record one hand-over; raises AccessDenied (audited) when not allowed."""
    allowed = allow(
        ctx, processor, categories=categories, fields=fields, subject=subject, reference=reference
    )
    record(ctx, allowed, sandbox=sandbox, keep_on_rollback=keep_on_rollback)


def read_row(r: Disclosure) -> DisclosureRead:
    return DisclosureRead(
        r.id,
        r.at,
        r.recipient_kind,
        r.recipient_id,
        r.contract_ref,
        r.purpose,
        r.categories.split(",") if r.categories else [],
        r.fields.split(",") if r.fields else [],
        r.subject_id,
        r.reference,
        r.actor,
        r.sandbox,
        r.processor_ref,
        r.recipient_name,
        r.legal_basis,
        r.dataset,
        r.subject_count,
        r.file_sha256,
        r.k_anonymity,
        r.l_diversity,
        r.risk_max,
    )


def register_rows(
    ctx: Context,
    *,
    subject_id: str | None = None,
    recipient_id: str | None = None,
    kind: str | None = None,
    since: datetime | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[DisclosureRead]:
    """The register for oversight (DPO, security purpose), newest first; `before_id` pages
    on (the smallest id of the previous page)."""
    ctx.check(
        Action.READ, {Category.AUDIT_RECORD}, operation="disclosure.read", subjects=[subject_id]
    )
    stmt = select(Disclosure).order_by(Disclosure.id.desc()).limit(limit)
    if subject_id:
        stmt = stmt.where(Disclosure.subject_id == subject_id)
    if recipient_id:
        stmt = stmt.where(Disclosure.recipient_id == recipient_id)
    if kind:
        stmt = stmt.where(Disclosure.recipient_kind == kind)
    if since is not None:
        stmt = stmt.where(Disclosure.at >= since)
    if before_id is not None:
        stmt = stmt.where(Disclosure.id < before_id)
    return [read_row(r) for r in ctx.session.execute(stmt).scalars()]


@dataclass(frozen=True)
class DisclosureTotal:
    recipient_id: str
    purpose: str
    categories: str
    sandbox: bool
    count: int
    last_at: datetime


def totals(ctx: Context) -> list[DisclosureTotal]:
    """How many hand-overs each processor received, per purpose and categories; those a
    sandbox took are counted apart."""
    ctx.check(Action.READ, {Category.AUDIT_RECORD}, operation="disclosure.totals")
    keys = (
        Disclosure.recipient_id,
        Disclosure.purpose,
        Disclosure.categories,
        Disclosure.sandbox,
    )
    stmt = select(*keys, func.count(), func.max(Disclosure.at)).group_by(*keys).order_by(*keys)
    return [DisclosureTotal(*row) for row in ctx.session.execute(stmt).all()]
