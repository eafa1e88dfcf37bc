"""Live check of the staff second factor (P12)."""

from __future__ import annotations

from sqlalchemy import select

from imbplus.privacy.checks import Outcome, register
from imbplus.runtime import Runtime
from imbplus.staff import mfa
from imbplus.staff.models import Staff


@register("P12", "Every active staff account that can see personal data has a second factor")
def second_factor(rt: Runtime) -> Outcome:
    roles = mfa.roles_needing_second_factor(rt.gate)
    with rt.sessions() as s:
        active = list(s.execute(select(Staff).where(Staff.active.is_(True))).scalars())
        needing = [st for st in active if roles & set(st.role_names)]
        without = sum(not st.totp_enabled for st in needing)
    return Outcome(
        without == 0,
        f"all {len(needing)} such accounts log in with a second factor"
        if without == 0
        else f"{without} of {len(needing)} such accounts have no second factor yet",
        {
            "active_accounts": len(active),
            "needing_second_factor": len(needing),
            "without_second_factor": without,
            "roles_needing_it": sorted(roles),
        },
    )
