"""P12, P21: login and form limits hold when attempts arrive at the same instant (several
workers or hosts): the count and the attempt's own record are one step, so parallel
attempts never get more than the limit through."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from imbplus.errors import RateLimited
from imbplus.runtime import Runtime
from imbplus.staff import service as staff_service
from imbplus.traffic import limits
from tests.support.factories import make_staff

ATTEMPTS = 8
ADDRESS = "203.0.113.9"


def _race(attempt: Callable[[], bool]) -> tuple[int, int]:
    """Run ATTEMPTS attempts released together; (let through, refused with 429)."""
    start = threading.Barrier(ATTEMPTS)

    def one(_n: int) -> bool | None:
        start.wait()
        try:
            return attempt()
        except RateLimited:
            return None

    with ThreadPoolExecutor(max_workers=ATTEMPTS) as pool:
        outcomes = list(pool.map(one, range(ATTEMPTS)))
    passed = sum(1 for o in outcomes if o is not None)
    return passed, outcomes.count(None)


def test_p21_parallel_posts_never_pass_the_form_limit(rt: Runtime) -> None:
    rt.settings.form_max_posts_per_ip = 3

    def post() -> bool:
        with rt.unit_of_work() as s:
            limits.check(rt, s, "contact", ADDRESS)
            limits.record(rt, s, "contact", ADDRESS)
        return True

    assert _race(post) == (3, ATTEMPTS - 3)


def test_p12_parallel_wrong_passwords_never_pass_the_login_limit(rt: Runtime) -> None:
    rt.settings.login_max_failures = 3
    username = make_staff(rt, "support")[0].username

    def login() -> bool:
        with rt.unit_of_work() as s:
            outcome = staff_service.login(rt, s, username, "not the password", ADDRESS)
        return outcome.status is staff_service.LoginStatus.FAILED

    assert _race(login) == (3, ATTEMPTS - 3)
