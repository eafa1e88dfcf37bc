"""Live checks that the system can account for itself (B02, B04).

- B02: a customer sees who used their data only if every use names them. Every allowed
  access by staff or a processor to a category tied to customers must carry its subject,
  the role that allowed it and a purpose; one that does not is invisible in the portal's
  "who saw my data".
- B04: every clause has a live check, and the stored evidence runs are the ones the audit
  chain recorded (a run deleted or added by hand shows).
"""

from __future__ import annotations

from sqlalchemy import func, or_, select

from imbplus.compliance.evidence import Outcome, checks, not_exercised, register
from imbplus.compliance.evidence_models import EvidenceRun
from imbplus.privacy.catalog import ActorKind, Category
from imbplus.privacy.clauses import CLAUSES
from imbplus.privacy.models import AuditRecord
from imbplus.runtime import Runtime

CUSTOMER_DATA = (
    Category.IDENTITY,
    Category.CONTACT,
    Category.ADDRESS,
    Category.PAYMENT_CARD,
    Category.BILLING_RECORD,
    Category.STB_DEVICE,
    Category.STB_ACTIVITY,
    Category.SHIPMENT_RECORD,
    Category.SHIPMENT_CONTACT,
    Category.SURVEY_RESPONSE,
)
SEEN_BY_OTHERS = (ActorKind.STAFF.value, ActorKind.PROCESSOR.value)
NAMED = 5


@register("B02", "Every use of a customer's data by staff or processors shows in their log")
def uses_name_the_customer(rt: Runtime) -> Outcome:
    about_customers = or_(*(AuditRecord.categories.like(f"%{c.value}%") for c in CUSTOMER_DATA))
    by_others = (
        AuditRecord.actor_kind.in_(SEEN_BY_OTHERS),
        AuditRecord.result == "allowed",
        about_customers,
    )
    with rt.sessions() as s:
        uses = s.execute(select(func.count()).where(*by_others)).scalar_one()
        unseen = list(
            s.execute(
                select(AuditRecord.seq, AuditRecord.action)
                .where(
                    *by_others,
                    or_(
                        AuditRecord.subject_id.is_(None),
                        AuditRecord.subject_id == "",
                        AuditRecord.purpose == "",
                        AuditRecord.actor_role == "",
                    ),
                )
                .order_by(AuditRecord.seq)
                .limit(NAMED + 1)
            )
        )
    if not uses:
        return not_exercised("no staff member or processor has used customer data yet")
    return Outcome(
        not unseen,
        f"{uses} uses by staff and processors, each naming the customer, role and purpose"
        if not unseen
        else "uses a customer cannot see (no subject, role or purpose): "
        + ", ".join(f"record {seq} ({action})" for seq, action in unseen[:NAMED]),
        {"uses": uses, "unseen": len(unseen)},
    )


@register("B04", "Every clause has a live check and every stored run is on the audit chain")
def clauses_and_runs(rt: Runtime) -> Outcome:
    covered = {c.clause for c in checks()}
    missing = [c for c in CLAUSES if c not in covered]
    with rt.sessions() as s:
        stored = s.execute(select(func.count()).select_from(EvidenceRun)).scalar_one()
        chained = s.execute(
            select(func.count()).where(AuditRecord.action == "evidence.run")
        ).scalar_one()
    problems = []
    if missing:
        problems.append(f"clauses without a check: {missing}")
    if stored < chained:
        problems.append(f"{chained - stored} evidence runs on the audit chain are missing")
    elif stored > chained:
        problems.append(f"{stored - chained} stored evidence runs are not on the audit chain")
    return Outcome(
        not problems,
        f"all {len(CLAUSES)} clauses checked; {stored} earlier runs, all on the audit chain"
        if not problems
        else "; ".join(problems),
        {"clauses": len(CLAUSES), "without_check": len(missing), "stored_runs": stored},
    )
