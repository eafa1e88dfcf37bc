"""Live checks of P19: the survey opt-out is honoured, and results leave only anonymized."""

from __future__ import annotations

from sqlalchemy import func, select

from imbplus.notify.models import OutboxMessage
from imbplus.privacy.catalog import Category
from imbplus.privacy.checks import Outcome, not_exercised, register
from imbplus.privacy.disclosure import AUTHORITY, Disclosure
from imbplus.privacy.releases import why_not_anonymous
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


@register("P19", "Survey results left IMB+ only anonymized")
def results_left_anonymized(rt: Runtime) -> Outcome:
    """Every row of the disclosure register holding survey answers, to whomever outside
    IMB+ (an authority's order aside: the law, not the policy, decides what it gets), must
    be an anonymized release: a recorded k of at least 2 and no identifying category."""
    with rt.sessions() as s:
        rows = list(
            s.execute(
                select(Disclosure)
                .where(
                    Disclosure.categories.contains(Category.SURVEY_RESPONSE.value),
                    Disclosure.recipient_kind != AUTHORITY,
                )
                .order_by(Disclosure.id)
            ).scalars()
        )
    if not rows:
        return not_exercised("no survey results have left IMB+ yet")
    breaches = [
        f"hand-over {r.id} to {r.recipient_id}: {why}"
        for r in rows
        if (why := why_not_anonymous(r.k_anonymity, r.categories.split(",")))
    ]
    return Outcome(
        not breaches,
        f"{len(rows)} releases of survey results, each anonymized"
        if not breaches
        else "survey results left identifiable: " + "; ".join(breaches[:5]),
        {"releases": len(rows), "identifiable": len(breaches)},
    )
