"""The demo loader makes realistic, valid Polish customers through the real service."""

from __future__ import annotations

from sqlalchemy import func, select

from imbplus.customers.models import Customer
from imbplus.customers.schemas import CustomerCreate
from imbplus.demo.customers import fake_customers, load
from imbplus.runtime import Runtime
from imbplus.settings import Settings
from tests.support.cli import imbplus


def test_fake_customers_are_valid_polish_and_unique() -> None:
    people = list(fake_customers(200))
    assert len({p.email for p in people}) == 200
    assert all(p.phone.startswith("+48") and len(p.phone) == 12 for p in people)
    assert all(len(p.address.postal_code) == 6 for p in people)
    # they pass the same validation as API input
    assert all(CustomerCreate.model_validate(p.model_dump()) == p for p in people)


def test_load_creates_customers(rt: Runtime) -> None:
    assert load(rt, 25, batch=10) == 25
    with rt.sessions() as s:
        assert s.execute(select(func.count()).select_from(Customer)).scalar_one() == 25


def test_postgres_pass_status() -> None:
    import os

    import pytest

    if not os.environ.get("IMBPLUS_TEST_POSTGRES_URL"):
        pytest.skip("PostgreSQL pass not run: IMBPLUS_TEST_POSTGRES_URL is not set")


def test_p19_demo_survey_is_open_and_the_demo_subscriber_is_invited(rt: Runtime) -> None:
    from imbplus.customers import service as customers
    from imbplus.demo.customers import DEMO_SUBSCRIBER, ensure_demo_subscriber
    from imbplus.demo.surveys import ensure_demo_survey
    from imbplus.surveys import invitations

    ensure_demo_subscriber(rt)
    survey_id = ensure_demo_survey(rt)
    assert ensure_demo_survey(rt) == survey_id  # made once
    with rt.sessions() as s:
        me = customers.id_for_login(rt, s, DEMO_SUBSCRIBER.email)
        assert me is not None
        assert [x.id for x in invitations.pending_for(s, me)] == [survey_id]


def test_p12_demo_staff_have_a_second_factor_shown_once(rt: Runtime) -> None:
    import pyotp

    from imbplus.clock import clock
    from imbplus.demo.staff import ensure_demo_staff
    from imbplus.privacy.catalog import Role
    from imbplus.staff import mfa
    from imbplus.staff.evidence import second_factor
    from imbplus.staff.models import Staff

    made = ensure_demo_staff(rt)
    assert sorted(m.username for m in made) == sorted(r.value for r in Role)
    with rt.sessions() as s:
        for m in made:
            staff = s.execute(select(Staff).where(Staff.username == m.username)).scalar_one()
            assert staff.totp_enabled
            expected = pyotp.TOTP(m.totp_secret).at(clock.time())
            assert mfa.current_code(rt, s, staff) == expected
    assert ensure_demo_staff(rt) == []  # made once; the secrets are not shown again
    assert second_factor(rt).passed


def test_b04_the_demo_exercises_every_evidence_check(settings: Settings) -> None:
    """After `imbplus demo`, every check has something to look at, and every one passes."""
    demo = imbplus(
        settings,
        "demo",
        "--customers",
        "20",
        "--devices",
        "10",
        "--days",
        "1",
        "--no-serve",
        timeout=600,
    )
    assert demo.returncode == 0, demo.stderr[-2000:]
    assert "demo activity: a sealed delivery" in demo.stdout
    report = imbplus(settings, "evidence", timeout=600)
    assert report.returncode == 0, report.stdout[-3000:]
    # Every check looks at something the demo made: anonymized releases (P06, P19), a
    # fulfilled request of an authority (P07), a campaign (P03), the regulatory report
    # (P03), the carrier's credential (P04). The last line is the summary.
    idle = [line for line in report.stdout.splitlines() if "not exercised" in line]
    assert idle[:-1] == [], idle
    last = report.stdout.strip().splitlines()[-1]
    checks = int(last.split(" of ")[1].split()[0])
    assert last.startswith(f"{checks - len(idle[:-1])} of {checks} checks passed"), last
