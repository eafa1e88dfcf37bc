"""One demo staff account per role, each with a console password, an API token and a
second factor (P12), so that the console can be tried at once."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select

from imbplus.privacy.catalog import Purpose, Role
from imbplus.runtime import Runtime
from imbplus.staff import mfa
from imbplus.staff import service as staff_service
from imbplus.staff.models import Staff


@dataclass(frozen=True)
class DemoStaff:
    username: str
    password: str
    totp_secret: str
    token: str


def existing(rt: Runtime) -> set[str]:
    """Usernames of the demo accounts made before (their secrets were shown then)."""
    with rt.sessions() as session:
        names = [r.value for r in Role]
        return set(
            session.execute(select(Staff.username).where(Staff.username.in_(names))).scalars()
        )


def ensure_demo_staff(rt: Runtime) -> list[DemoStaff]:
    """Make the accounts of the roles that have none yet; their secrets, to show once."""
    have = existing(rt)
    made = []
    with rt.job("demo", Purpose.SECURITY) as ctx:
        for role in (r for r in Role if r.value not in have):
            password = secrets.token_urlsafe(12)
            staff, token = staff_service.add(
                ctx,
                name=f"Demo {role.value.title()}",
                roles=[role.value],
                username=role.value,
                password=password,
            )
            secret = mfa.enrol_directly(ctx, staff)
            made.append(DemoStaff(staff.username, password, secret, token))
    return made
