"""P12: argon2id with OWASP's m=19 MiB, t=2, p=1; older hashes still work and are replaced
at the next login."""

from __future__ import annotations

from argon2 import PasswordHasher, extract_parameters
from fastapi.testclient import TestClient
from sqlalchemy import select

from imbplus.auth import passwords
from imbplus.runtime import Runtime
from imbplus.staff.models import Staff
from tests.support.console import login
from tests.support.factories import PASSWORD, make_staff

OLD_DEFAULTS = PasswordHasher()  # what hashes were made with before (RFC 9106 low-memory)


def test_new_hashes_use_the_owasp_profile() -> None:
    found = extract_parameters(passwords.hash_secret(PASSWORD))
    assert found.type.name == "ID"
    assert (found.memory_cost, found.time_cost, found.parallelism) == (19 * 1024, 2, 1)
    assert not passwords.needs_rehash(passwords.hash_secret(PASSWORD))


def test_a_hash_with_other_parameters_still_verifies_and_asks_to_be_replaced() -> None:
    old = OLD_DEFAULTS.hash(PASSWORD)
    assert passwords.verify_secret(old, PASSWORD)
    assert not passwords.verify_secret(old, PASSWORD + "x")
    assert passwords.needs_rehash(old)


def test_a_staff_login_replaces_an_old_hash(client: TestClient, rt: Runtime) -> None:
    staff, _ = make_staff(rt, "support")
    with rt.unit_of_work() as s:
        row = s.execute(select(Staff).where(Staff.id == staff.id)).scalar_one()
        row.password_hash = OLD_DEFAULTS.hash(PASSWORD)
    response = login(client, staff.username)
    assert response.status_code == 303 and response.headers["location"] == "/console"
    with rt.sessions() as s:
        stored = s.execute(select(Staff.password_hash).where(Staff.id == staff.id)).scalar_one()
    assert stored is not None and not passwords.needs_rehash(stored)
    assert passwords.verify_secret(stored, PASSWORD)
