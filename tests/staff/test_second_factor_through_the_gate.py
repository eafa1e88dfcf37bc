"""P12, P11: checking a staff code opens the account's TOTP secret through the gate, audited
as the system that checks codes (the secret is compared, never shown)."""

from __future__ import annotations

from sqlalchemy import select

from imbplus.privacy.models import AuditRecord
from imbplus.runtime import Runtime
from imbplus.staff import mfa
from imbplus.staff.models import Staff
from tests.support.factories import make_staff


def test_p12_a_code_check_is_a_decided_and_audited_use_of_the_secret(rt: Runtime) -> None:
    staff, _ = make_staff(rt, "support")
    with rt.unit_of_work() as s:
        me = s.get(Staff, staff.id)
        assert me is not None
        code = mfa.current_code(rt, s, me)
        assert mfa.verify(rt, s, me, code, "127.0.0.1")
    with rt.sessions() as s:
        uses = list(
            s.execute(
                select(AuditRecord).where(AuditRecord.action == "staff.totp_secret")
            ).scalars()
        )
    assert len(uses) == 2  # the code shown above, and the check
    assert {(u.actor_role, u.purpose, u.categories, u.result, u.reason) for u in uses} == {
        ("system:second_factor", "security", "account_credentials", "allowed", f"staff:{staff.id}")
    }
    assert all(u.subject_id is None for u in uses)  # staff are not data subjects of customers
