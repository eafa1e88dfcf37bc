"""Live checks of what actually left the system (P01, P04), read from the disclosure
register and the audit log, not from configuration.

- P01: every hand-over on the register went to a registered recipient of its kind (a
  processor, or a third party or authority of `privacy/releases.py`) and followed a
  decision of the gate (an allowed `disclose.*` record of the same request and subject; for
  a dataset about many people, of the same request).
- P04: every hand-over fell inside its processor's contract: its dates and its scope of
  category:purpose pairs. Hand-overs made under an earlier contract (another reference)
  are counted, not judged by today's terms.
- P04: no live processor credential outlives its contract or opens more than it.
- P06: every dataset a third party received was anonymized: a recorded k of at least 2 and
  no category that identifies by itself.
(P07, what authorities received, is judged with their requests: compliance/evidence_authority.)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from imbplus.clock import clock
from imbplus.errors import ValidationFailed
from imbplus.privacy.catalog import Category, Purpose
from imbplus.privacy.checks import Outcome, not_exercised, register
from imbplus.privacy.disclosure import PROCESSOR, THIRD_PARTY, Disclosure
from imbplus.privacy.models import AuditRecord
from imbplus.privacy.releases import Recipient, why_not_anonymous
from imbplus.processors.credentials import scope_of as credential_scope
from imbplus.processors.models import Processor, ProcessorCredential
from imbplus.processors.service import ProcessorInfo, info_of
from imbplus.runtime import Runtime

CHUNK = 500
NAMED = 5  # how many offending rows a detail names


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _decided(session: Session, request_ids: Sequence[str]) -> set[tuple[str, str | None]]:
    """(request id, subject) pairs with an allowed hand-over decision of the gate."""
    found: set[tuple[str, str | None]] = set()
    for part in _chunks(request_ids):
        found.update(
            (rid, subject)
            for rid, subject in session.execute(
                select(AuditRecord.request_id, AuditRecord.subject_id).where(
                    AuditRecord.request_id.in_(part),
                    AuditRecord.action.like("disclose.%"),
                    AuditRecord.result == "allowed",
                )
            )
        )
    return found


def _register(session: Session) -> list[Disclosure]:
    return list(session.execute(select(Disclosure).order_by(Disclosure.id)).scalars())


@register("P01", "Personal data left only to registered recipients, each time decided by the gate")
def hand_overs_decided(rt: Runtime) -> Outcome:
    with rt.sessions() as s:
        rows = _register(s)
        known = {(PROCESSOR, pid) for pid in s.execute(select(Processor.id)).scalars()}
        known |= {(kind, rid) for kind, rid in s.execute(select(Recipient.kind, Recipient.id))}
        decided = _decided(s, sorted({r.request_id for r in rows}))
    if not rows:
        return not_exercised("nothing has been handed over yet")
    unknown = [r.id for r in rows if (r.recipient_kind, r.recipient_id) not in known]
    # a dataset is about many people: its decision names each of them (any one will do)
    datasets = {rid for rid, _subject in decided}
    undecided = [
        r.id
        for r in rows
        if (r.request_id, r.subject_id) not in decided
        and not (r.dataset and r.request_id in datasets)
    ]
    problems = []
    if unknown:
        problems.append(f"hand-overs to unregistered recipients: {unknown[:NAMED]}")
    if undecided:
        problems.append(f"hand-overs without a decision of the gate: {undecided[:NAMED]}")
    return Outcome(
        not problems,
        f"{len(rows)} hand-overs, each to a registered recipient after an allowed decision"
        if not problems
        else "; ".join(problems),
        {
            "hand_overs": len(rows),
            "unregistered_recipient": len(unknown),
            "without_decision": len(undecided),
        },
    )


def _outside(row: Disclosure, processor: ProcessorInfo) -> str | None:
    if not processor.valid_at(row.at):
        return "outside the contract dates"
    try:
        pairs = {(Category(c), Purpose(row.purpose)) for c in row.categories.split(",") if c}
    except ValueError:
        return "an unknown category or purpose"
    if not pairs <= processor.scope:
        missing = sorted(f"{c.value}:{p.value}" for c, p in pairs - processor.scope)
        return f"beyond the contract's scope ({', '.join(missing)})"
    return None


@register("P04", "Every hand-over fell within its processor's contract dates and scope")
def hand_overs_within_contract(rt: Runtime) -> Outcome:
    with rt.sessions() as s:
        rows = _register(s)
        processors = {p.id: info_of(p) for p in s.execute(select(Processor)).scalars()}
    judged = earlier = 0
    breaches: list[str] = []
    for row in rows:
        processor = processors.get(row.recipient_id)
        if processor is None:
            continue  # named by the P01 check
        if row.contract_ref != processor.contract_ref:
            earlier += 1
            continue
        judged += 1
        why = _outside(row, processor)
        if why:
            breaches.append(f"hand-over {row.id} to {row.recipient_id}: {why}")
    if not judged and not breaches:
        return not_exercised("no hand-over under a contract in force yet", {"earlier": earlier})
    return Outcome(
        not breaches,
        f"{judged} hand-overs within their contracts ({earlier} under earlier contracts)"
        if not breaches
        else "; ".join(breaches[:NAMED]),
        {"judged": judged, "earlier_contracts": earlier, "outside_contract": len(breaches)},
    )


def _to(rt: Runtime, kind: str) -> list[Disclosure]:
    with rt.sessions() as s:
        return list(
            s.execute(
                select(Disclosure).where(Disclosure.recipient_kind == kind).order_by(Disclosure.id)
            ).scalars()
        )


@register("P06", "Nothing identifiable went to a third party")
def third_parties_anonymous(rt: Runtime) -> Outcome:
    """Every third-party row on the register must be an anonymized release: a recorded k of
    at least 2 and no identifying category; any other is a breach, named."""
    rows = _to(rt, THIRD_PARTY)
    if not rows:
        return not_exercised("nothing has been shared outside IMB+ yet")
    breaches = []
    for r in rows:
        why = why_not_anonymous(r.k_anonymity, r.categories.split(","))
        if why:
            breaches.append(f"hand-over {r.id} to {r.recipient_id}: {why}")
    smallest = min((r.k_anonymity or 0) for r in rows)
    return Outcome(
        not breaches,
        f"{len(rows)} releases to third parties, each anonymized (smallest k {smallest})"
        if not breaches
        else "identifiable data went to third parties: " + "; ".join(breaches[:NAMED]),
        {"releases": len(rows), "identifiable": len(breaches), "smallest_k": smallest},
    )


def _credential_breach(cred: ProcessorCredential, processor: ProcessorInfo | None) -> str | None:
    if processor is None:
        return "of an unregistered processor"
    if cred.contract_ref != processor.contract_ref:
        return "issued under an earlier contract"
    if cred.expires_at > processor.valid_until:
        return "outlives the contract"
    try:
        scope = credential_scope(cred)
    except ValidationFailed:
        return "an unknown category or purpose in its scope"
    if not scope <= processor.scope:
        extra = sorted(f"{c.value}:{p.value}" for c, p in scope - processor.scope)
        return f"broader than the contract ({', '.join(extra)})"
    return None


@register("P04", "No processor credential outlives its contract or is broader than it")
def credentials_within_contracts(rt: Runtime) -> Outcome:
    """Every live credential (not revoked, not expired) belongs to its processor's contract
    in force, expires no later than it and opens no category:purpose pair it does not."""
    now = clock.now()
    with rt.sessions() as s:
        issued = s.execute(select(func.count()).select_from(ProcessorCredential)).scalar() or 0
        live = list(
            s.execute(
                select(ProcessorCredential).where(
                    ProcessorCredential.revoked_at.is_(None), ProcessorCredential.expires_at > now
                )
            ).scalars()
        )
        processors = {p.id: info_of(p) for p in s.execute(select(Processor)).scalars()}
    if not issued:
        return not_exercised("no processor credential has been issued")
    breaches = []
    for cred in live:
        why = _credential_breach(cred, processors.get(cred.processor_id))
        if why is None and not processors[cred.processor_id].valid_at(now):
            why = "live while its contract is not in force"
        if why:
            breaches.append(f"credential {cred.id} of {cred.processor_id}: {why}")
    return Outcome(
        not breaches,
        f"{len(live)} live credentials, each within its contract's dates and scope "
        f"({issued - len(live)} revoked or expired)"
        if not breaches
        else "; ".join(breaches[:NAMED]),
        {"issued": issued, "live": len(live), "beyond_contract": len(breaches)},
    )
