"""Live check of the survey opt-out (P19)."""

from __future__ import annotations

from sqlalchemy import func, select

from imbplus.notify.models import OutboxMessage
from imbplus.privacy.checks import Outcome, not_exercised, register
from imbplus.runtime import Runtime
from imbplus.surveys.invitations import REFERENCE
from imbplus.surveys.models import Invitation, OptOut


@register("P19", "No customer who opted out has a survey invitation waiting")
def opt_out_honoured(rt: Runtime) -> Outcome:
    with rt.sessions() as s:
        opted = select(OptOut.customer_id)
        invited = s.execute(
            select(func.count()).select_from(Invitation).where(Invitation.customer_id.in_(opted))
        ).scalar_one()
        queued = s.execute(
            select(func.count())
            .select_from(OutboxMessage)
            .where(
                OutboxMessage.customer_id.in_(opted),
                OutboxMessage.status == "pending",
                OutboxMessage.reference.startswith(REFERENCE),
            )
        ).scalar_one()
        total = s.execute(select(func.count()).select_from(OptOut)).scalar_one()
    bad = invited + queued
    if total == 0:
        return not_exercised("no customer has opted out of surveys yet")
    return Outcome(
        bad == 0,
        "opt-outs honoured on every path"
        if bad == 0
        else f"{invited} invitations and {queued} queued e-mails for opted-out customers",
        {"opted_out": total, "pending_for_opted_out": bad},
    )
