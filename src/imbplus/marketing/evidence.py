"""P03 marketing, B01 objection: live checks of the campaigns.

* No marketing message was queued for a customer who had objected before it was queued:
  every message in the outbox whose reference is a campaign's, and every recipient a
  campaign recorded, against the objections in force at that moment (an objection never
  expires; only the customer can withdraw it).
* The marketing role holds no grant on contact data: no rule of the access policy lets it
  read the e-mail, phone or shipment contact, and the audit log shows no allowed access to
  them by a marketing employee.
"""

from __future__ import annotations

from sqlalchemy import and_, func, or_, select

from imbplus.marketing.models import CampaignRecipient, Objection
from imbplus.marketing.objections import REFERENCE
from imbplus.notify.models import OutboxMessage
from imbplus.privacy.catalog import Category, Role
from imbplus.privacy.checks import Outcome, not_exercised, register
from imbplus.privacy.models import AuditRecord
from imbplus.runtime import Runtime

CONTACT = (Category.CONTACT.value, Category.SHIPMENT_CONTACT.value)
NAMED = 5


def _in_force(customer_id: object, at: object) -> object:
    return and_(
        Objection.customer_id == customer_id,
        Objection.objected_at <= at,
        or_(Objection.withdrawn_at.is_(None), Objection.withdrawn_at > at),
    )


@register("P03", "No marketing message was queued for a customer who had objected")
def no_message_to_objectors(rt: Runtime) -> Outcome:
    with rt.sessions() as s:
        messages = s.execute(
            select(func.count()).where(OutboxMessage.reference.startswith(REFERENCE))
        ).scalar_one()
        recipients = s.execute(select(func.count()).select_from(CampaignRecipient)).scalar_one()
        objections = s.execute(select(func.count()).select_from(Objection)).scalar_one()
        queued = list(
            s.execute(
                select(OutboxMessage.id)
                .join(Objection, _in_force(OutboxMessage.customer_id, OutboxMessage.created_at))  # type: ignore[arg-type]
                .where(OutboxMessage.reference.startswith(REFERENCE))
                .order_by(OutboxMessage.id)
                .limit(NAMED)
            ).scalars()
        )
        recorded = list(
            s.execute(
                select(CampaignRecipient.campaign_id)
                .join(
                    Objection,
                    _in_force(CampaignRecipient.customer_id, CampaignRecipient.queued_at),  # type: ignore[arg-type]
                )
                .limit(NAMED)
            ).scalars()
        )
    figures = {"messages": messages, "recipients": recipients, "objections": objections}
    if not messages and not recipients:
        return not_exercised("no campaign has been sent yet", figures)
    problems = [f"outbox message {mid} went to a customer who had objected" for mid in queued]
    problems += [f"campaign {cid} recorded a customer who had objected" for cid in recorded]
    return Outcome(
        not problems,
        "; ".join(problems)
        or f"{recipients} campaign messages, none to any of {objections} objections in force",
        {**figures, "to_objectors": len(queued) + len(recorded)},
    )


@register("P03", "The marketing role holds no grant on contact data")
def marketing_without_contact(rt: Runtime) -> Outcome:
    role = Role.MARKETING.value
    rules = [
        f"{category} for {purpose} ({action})"
        for who, category, purpose, action in rt.gate.rules()
        if who == role and category in CONTACT
    ]
    with rt.sessions() as s:
        used = list(
            s.execute(
                select(AuditRecord.seq)
                .where(
                    AuditRecord.actor_kind == "staff",
                    AuditRecord.actor_role.like(f"%{role}%"),
                    AuditRecord.result == "allowed",
                    or_(*(AuditRecord.categories.like(f"%{c}%") for c in CONTACT)),
                )
                .order_by(AuditRecord.seq)
                .limit(NAMED)
            ).scalars()
        )
    problems = [f"the access policy lets marketing use {rule}" for rule in rules]
    problems += [f"audit record {seq}: a marketing employee used contact data" for seq in used]
    return Outcome(
        not problems,
        "; ".join(problems)
        or "no rule gives the marketing role e-mail, phone or shipment contact; campaigns are "
        "mailed by the send job",
        {"rules": len(rules), "uses": len(used)},
    )
