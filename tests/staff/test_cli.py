"""P12: `imbplus staff` and the second factor on the command line."""

from __future__ import annotations

from sqlalchemy import select

from imbplus.privacy.models import AuditRecord
from imbplus.runtime import Runtime
from imbplus.settings import Settings
from imbplus.staff import mfa
from imbplus.staff.models import Staff
from tests.support.cli import imbplus
from tests.support.factories import make_staff


def test_p12_staff_totp_shows_the_current_code_and_is_audited(
    settings: Settings, rt: Runtime
) -> None:
    staff, _ = make_staff(rt, "admin")
    result = imbplus(settings, "staff", "totp", "--username", staff.username)
    assert result.returncode == 0, result.stderr
    code = result.stdout.strip().splitlines()[-1]
    assert "for the demo and operators" in result.stderr and "audit" in result.stderr
    with rt.sessions() as s:
        me = s.get(Staff, staff.id)
        assert me is not None
        assert mfa.verify(rt, s, me, code, "127.0.0.1")  # a code the login accepts now
        shown = s.execute(
            select(AuditRecord).where(AuditRecord.action == "staff.totp_code_shown")
        ).scalar_one()
    assert shown.reason == f"staff:{staff.id}" and shown.actor_id == "cli"


def test_p12_staff_totp_refuses_an_account_without_a_second_factor(
    settings: Settings, rt: Runtime
) -> None:
    staff, _ = make_staff(rt, "support", enrolled=False)
    result = imbplus(settings, "staff", "totp", "--username", staff.username)
    assert result.returncode != 0 and "no second factor" in result.stderr
    assert "Traceback" not in result.stderr


def test_p12_staff_add_says_the_second_factor_comes_at_first_login(settings: Settings) -> None:
    result = imbplus(settings, "staff", "add", "--name", "Ewa Nowa", "--role", "dpo")
    assert result.returncode == 0, result.stderr
    assert "two-factor login is set up at the first console login" in result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("imbst_")
