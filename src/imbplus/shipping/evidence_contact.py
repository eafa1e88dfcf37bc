"""P08: the phone and e-mail given for a shipment serve shipment contact only.

Looked at where use happens: every allowed access to the `shipment_contact` category in the
audit log, every message in the outbox and every hand-over on the register that carries it,
and the access policy's rules for it. Besides shipment contact itself, only the DPO's
answers to data-subject requests, the retention purge and key rotation may touch it.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute

from imbplus.notify.models import OutboxMessage
from imbplus.privacy.catalog import Category, Purpose
from imbplus.privacy.checks import Outcome, not_exercised, register
from imbplus.privacy.disclosure import Disclosure
from imbplus.privacy.models import AuditRecord
from imbplus.runtime import Runtime

CATEGORY = Category.SHIPMENT_CONTACT.value
MAY_ALSO = frozenset(
    {
        Purpose.SHIPMENT_CONTACT.value,
        Purpose.DATA_SUBJECT_REQUEST.value,  # the subject's own copy of their data
        Purpose.LEGAL_OBLIGATION.value,  # the retention purge deleting it
        Purpose.SECURITY.value,  # key rotation re-encrypting it
    }
)
NAMED = 5


def _mentions(column: InstrumentedAttribute[str]) -> ColumnElement[bool]:
    return column.like(f"%{CATEGORY}%")


@register("P08", "Shipment phone and e-mail were used for shipment contact only")
def shipment_contact_only(rt: Runtime) -> Outcome:
    with rt.sessions() as s:
        uses = s.execute(
            select(func.count()).where(
                _mentions(AuditRecord.categories), AuditRecord.result == "allowed"
            )
        ).scalar_one()
        misused = list(
            s.execute(
                select(AuditRecord.seq, AuditRecord.purpose)
                .where(
                    _mentions(AuditRecord.categories),
                    AuditRecord.result == "allowed",
                    AuditRecord.purpose.not_in(MAY_ALSO),
                )
                .order_by(AuditRecord.seq)
                .limit(NAMED)
            )
        )
        messages = list(
            s.execute(
                select(OutboxMessage.id, OutboxMessage.purpose).where(
                    OutboxMessage.category == CATEGORY,
                    OutboxMessage.purpose != Purpose.SHIPMENT_CONTACT.value,
                )
            )
        )
        handed = list(
            s.execute(
                select(Disclosure.id, Disclosure.purpose).where(
                    _mentions(Disclosure.categories),
                    Disclosure.purpose != Purpose.SHIPMENT_CONTACT.value,
                )
            )
        )
    rules = [
        f"{role} for {purpose} ({action})"
        for role, category, purpose, action in rt.gate.rules()
        if category == CATEGORY and purpose not in MAY_ALSO
    ]
    if not uses and not messages and not handed:
        return not_exercised("no shipment contact data has been used yet")
    problems = [f"audit record {seq} used it for {purpose}" for seq, purpose in misused]
    problems += [f"outbox message {mid} for {purpose}" for mid, purpose in messages[:NAMED]]
    problems += [f"hand-over {did} for {purpose}" for did, purpose in handed[:NAMED]]
    problems += [f"the access policy lets {rule}" for rule in rules]
    return Outcome(
        not problems,
        f"{uses} uses, every one for shipment contact (or the subject's own request)"
        if not problems
        else "; ".join(problems),
        {
            "uses": uses,
            "misused": len(misused),
            "messages_elsewhere": len(messages),
            "hand_overs_elsewhere": len(handed),
            "policy_rules_elsewhere": len(rules),
        },
    )
