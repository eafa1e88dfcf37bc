"""Processor registry (P04): who may receive which data, for which purpose, until when.

A processor acts through the gate as an actor of kind `processor` whose `scope` is the set
of (category, purpose) pairs its contract allows; outside its contract dates the scope is
empty, so every hand-over is refused and the refusal audited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from imbplus.clock import clock
from imbplus.errors import DomainError, NotFound, ValidationFailed
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Action, ActorKind, Category, Purpose
from imbplus.processors.models import Processor

KINDS = ("carrier", "payment", "sms", "mail")
PROCESSOR_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")


class ProcessorUnavailable(DomainError):
    """No valid contract with the processor a step needs: nothing was handed over."""

    status = 503
    code = "processor_unavailable"


@dataclass(frozen=True)
class ProcessorInfo:
    id: str
    name: str
    kind: str
    contract_ref: str
    scope: frozenset[tuple[Category, Purpose]]
    valid_from: datetime
    valid_until: datetime

    def valid_at(self, at: datetime) -> bool:
        return self.valid_from <= at < self.valid_until

    def actor(self, at: datetime | None = None) -> Actor:
        """The processor as a gate actor; an empty scope outside the contract dates."""
        scope = self.scope if self.valid_at(at or clock.now()) else frozenset()
        return Actor(ActorKind.PROCESSOR, self.id, ("processor",), scope=scope)


def parse_scope(pairs: list[str]) -> frozenset[tuple[Category, Purpose]]:
    out: set[tuple[Category, Purpose]] = set()
    for pair in pairs:
        cat, _, purpose = pair.strip().partition(":")
        try:
            out.add((Category(cat), Purpose(purpose)))
        except ValueError:
            raise ValidationFailed(
                [{"field": "scope", "problem": "each entry is category:purpose from the catalogue"}]
            ) from None
    if not out:
        raise ValidationFailed([{"field": "scope", "problem": "at least one category:purpose"}])
    return frozenset(out)


def info_of(row: Processor) -> ProcessorInfo:
    """The contract terms of a registered processor, as the gate uses them."""
    return ProcessorInfo(
        row.id,
        row.name,
        row.kind,
        row.contract_ref,
        parse_scope(row.scope.split()),
        row.valid_from,
        row.valid_until,
    )


def register(
    ctx: Context,
    *,
    processor_id: str,
    name: str,
    kind: str,
    contract_ref: str,
    scope: list[str],
    valid_from: datetime,
    valid_until: datetime,
) -> ProcessorInfo:
    """Register a processor or replace its contract terms (audited)."""
    problems = []
    if not PROCESSOR_ID.match(processor_id):
        problems.append({"field": "id", "problem": "2-64 characters: a-z, 0-9, dash"})
    if kind not in KINDS:
        problems.append({"field": "kind", "problem": f"one of {', '.join(KINDS)}"})
    if not 1 <= len(name.strip()) <= 200:
        problems.append({"field": "name", "problem": "1 to 200 characters"})
    if not 1 <= len(contract_ref.strip()) <= 100:
        problems.append({"field": "contract_ref", "problem": "1 to 100 characters"})
    if valid_until <= valid_from:
        problems.append({"field": "valid_until", "problem": "must be after valid_from"})
    if problems:
        raise ValidationFailed(problems)
    pairs = parse_scope(scope)
    now = clock.now()
    row = ctx.session.get(Processor, processor_id)
    if row is None:
        row = Processor(id=processor_id, created_at=now)
        ctx.session.add(row)
    row.name, row.kind, row.contract_ref = name.strip(), kind, contract_ref.strip()
    row.scope = "\n".join(sorted(f"{c.value}:{p.value}" for c, p in pairs))
    row.valid_from, row.valid_until, row.updated_at = valid_from, valid_until, now
    ctx.session.flush()
    _cut_credentials(ctx, row)
    ctx.note("processor.registered", reason=f"processor:{row.id} contract={row.contract_ref}")
    return info_of(row)


def _cut_credentials(ctx: Context, row: Processor) -> None:
    """The processor's API credentials follow its contract (P04)."""
    from imbplus.processors import credentials

    credentials.follow_contract(ctx, row)


def get(ctx: Context, processor_id: str) -> ProcessorInfo:
    row = ctx.session.get(Processor, processor_id) if PROCESSOR_ID.match(processor_id) else None
    if row is None:
        raise NotFound("no processor with this id", processor=processor_id[:64])
    return info_of(row)


def for_step(ctx: Context, processor_id: str) -> ProcessorInfo:
    """The processor a step hands data to; 503 when it is not registered at all."""
    row = ctx.session.get(Processor, processor_id)
    if row is None:
        raise ProcessorUnavailable(
            "the processor for this step is not registered "
            "(imbplus processors register-sandbox, or register the contracted one)",
            processor=processor_id[:64],
        )
    return info_of(row)


def list_all(ctx: Context) -> list[ProcessorInfo]:
    rows = ctx.session.execute(select(Processor).order_by(Processor.id)).scalars()
    return [info_of(r) for r in rows]


def list_for_oversight(ctx: Context) -> list[ProcessorInfo]:
    """The registry for the DPO (read with the audit trail, `security` purpose)."""
    ctx.check(Action.READ, {Category.AUDIT_RECORD}, operation="processor.list")
    return list_all(ctx)


# The local sandbox processors (their adapters: billing.sandbox, notify.sandbox,
# shipping.sandbox; the mail relay is any SMTP server): what each one's contract allows.
SANDBOX: dict[str, tuple[str, str, list[str]]] = {
    "sandbox-carrier": (
        "Sandbox Carrier",
        "carrier",
        ["shipment_record:shipment_contact", "shipment_record:service_delivery"],
    ),
    "sandbox-payments": (
        "Sandbox Payments",
        "payment",
        ["payment_card:billing", "billing_record:billing"],
    ),
    "sandbox-sms": ("Sandbox SMS Gateway", "sms", ["shipment_contact:shipment_contact"]),
    "sandbox-mail": (
        "Sandbox Mail Relay",
        "mail",
        [
            "shipment_contact:shipment_contact",
            "contact:service_delivery",
            "contact:data_subject_request",
            "contact:market_research",
            "contact:marketing",
        ],
    ),
}


def register_sandbox(ctx: Context, *, days: int = 365) -> list[ProcessorInfo]:
    """Register (or renew) the local sandbox processors with a contract of `days` days."""
    now = clock.now()
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return [
        register(
            ctx,
            processor_id=pid,
            name=name,
            kind=kind,
            contract_ref=f"SANDBOX-{pid.upper()}",
            scope=scope,
            valid_from=start,
            valid_until=start + timedelta(days=days),
        )
        for pid, (name, kind, scope) in SANDBOX.items()
    ]


def register_by_staff(ctx: Context, **terms: Any) -> ProcessorInfo:
    """`register` for an employee in the console: the DPO's oversight right is required."""
    ctx.check(Action.WRITE, {Category.AUDIT_RECORD}, operation="processor.register")
    return register(ctx, **terms)


def end_contract(ctx: Context, processor_id: str) -> ProcessorInfo:
    """End a processor's contract now: from this moment it receives nothing."""
    ctx.check(Action.WRITE, {Category.AUDIT_RECORD}, operation="processor.end")
    row = ctx.session.get(Processor, processor_id)
    if row is None:
        raise NotFound("no processor with this id", processor=processor_id[:64])
    now = clock.now()
    if row.valid_until > now:
        row.valid_until = max(now, row.valid_from)
        row.updated_at = now
        ctx.session.flush()
        _cut_credentials(ctx, row)
        ctx.note("processor.ended", reason=f"processor:{row.id} contract={row.contract_ref}")
    return info_of(row)


def kinds_by_purpose(session: Session) -> dict[Purpose, set[str]]:
    """The kinds of processor (carrier, payment, ...) that receive data for each purpose
    under a contract in force now: the recipients' categories of GDPR art. 13(1)(e)."""
    now = clock.now()
    found: dict[Purpose, set[str]] = {}
    for row in session.execute(select(Processor)).scalars():
        info = info_of(row)
        if info.valid_at(now):
            for _category, purpose in info.scope:
                found.setdefault(purpose, set()).add(info.kind)
    return found
