"""P12: every staff role that can see personal data logs in with a second factor, enrolled
at the first login; recovery codes; API tokens of accounts without one are refused."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyotp
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from imbplus.clock import clock
from imbplus.privacy.access import Gate
from imbplus.privacy.catalog import Purpose, Role
from imbplus.privacy.models import AuditRecord
from imbplus.runtime import Runtime
from imbplus.staff import mfa
from imbplus.staff.models import RecoveryCode, Staff
from tests.support.console import csrf_of, login, login_code
from tests.support.factories import PASSWORD, api_headers, make_staff


def password_step(client: TestClient, username: str, password: str = PASSWORD) -> Response:
    form = client.get("/console/login")
    return client.post(
        "/console/login",
        data={"username": username, "password": password, "csrf": csrf_of(form)},
        follow_redirects=False,
    )


def secret_on(page: Response) -> str:
    found = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page.text)
    assert found, "no secret on the page"
    return found.group(1).replace(" ", "")


def code_for(secret: str) -> str:
    return str(pyotp.TOTP(secret).at(clock.time()))


def enrol(client: TestClient, username: str) -> Response:
    """First login of an account without a second factor, through enrolment."""
    assert password_step(client, username).headers["location"] == "/console/login/enrol"
    page = client.get("/console/login/enrol")
    return client.post(
        "/console/login/enrol",
        data={"code": code_for(secret_on(page)), "csrf": csrf_of(page)},
        follow_redirects=False,
    )


def codes_on(page: Response) -> list[str]:
    return re.findall(r"<li><code>([a-z2-9-]{14})</code></li>", page.text)


def test_p12_every_role_that_sees_personal_data_needs_it(rt: Runtime, tmp_path: Path) -> None:
    # the demo policy lets every staff role handle some personal data (admin: staff accounts
    # and the request log), so every role needs the second factor
    assert mfa.roles_needing_second_factor(rt.gate) == {r.value for r in Role}
    # derived from the policy file: a role left with non-personal data only needs none
    policy = tmp_path / "access.csv"
    original = Path(rt.gate.policy_path).read_text().splitlines()
    kept = [line for line in original if not line.startswith("p, admin,")]
    policy.write_text("\n".join([*kept, "p, admin, reference, security, read", ""]))
    shutil.copy(rt.gate.model_path, tmp_path / "model.conf")
    narrower = Gate(tmp_path / "model.conf", policy)
    assert "admin" not in mfa.roles_needing_second_factor(narrower)
    assert mfa.required(narrower, ["admin", "support"])


def test_p12_first_login_enrols_and_nothing_opens_before(client: TestClient, rt: Runtime) -> None:
    staff, _ = make_staff(rt, "dpo", enrolled=False)
    step = password_step(client, staff.username)
    assert step.status_code == 303 and step.headers["location"] == "/console/login/enrol"
    for path in ("/console", "/console/account", "/console/audit", "/console/customers"):
        assert client.get(path, follow_redirects=False).headers["location"] == "/console/login"
    page = client.get("/console/login/enrol")
    assert page.status_code == 200 and "Włącz logowanie dwuskładnikowe" in page.text
    svg = page.text[page.text.index("<svg") : page.text.index("</svg>")]
    assert "<path" in svg and "style=" not in svg  # drawn here; nothing the CSP refuses
    assert "<script" not in page.text and "https://" not in page.text  # no outside service
    assert "otpauth://totp/" in page.text
    assert "style-src 'self'" in page.headers["content-security-policy"]
    assert secret_on(client.get("/console/login/enrol")) == secret_on(page)  # same on reload
    wrong = client.post("/console/login/enrol", data={"code": "000000", "csrf": csrf_of(page)})
    assert wrong.status_code == 422 and "Ten kod jest nieprawidłowy" in wrong.text
    before = client.cookies["imb_staff"]
    done = client.post(
        "/console/login/enrol", data={"code": code_for(secret_on(page)), "csrf": csrf_of(page)}
    )
    assert done.status_code == 200 and "Logowanie dwuskładnikowe jest włączone" in done.text
    codes = codes_on(done)
    assert len(codes) == mfa.RECOVERY_CODES == len(set(codes))
    assert client.cookies["imb_staff"] != before  # a new session cookie after the factor
    assert client.get("/console").status_code == 200
    with rt.sessions() as s:
        stored = s.execute(select(RecoveryCode.code_hash)).scalars().all()
        enabled = s.execute(select(Staff.totp_enabled).where(Staff.id == staff.id)).scalar()
    assert enabled and len(stored) == len(codes)
    assert all(h.startswith("$argon2id$") for h in stored)
    assert not any(c in h or c.replace("-", "") in h for c in codes for h in stored)
    client.cookies.set("imb_staff", before)
    assert client.get("/console", follow_redirects=False).status_code == 303  # old one dead


def test_p12_code_at_login_once_only(client: TestClient, rt: Runtime) -> None:
    staff, _ = make_staff(rt, "support")
    assert password_step(client, staff.username).headers["location"] == "/console/login/totp"
    assert client.get("/console", follow_redirects=False).status_code == 303  # not in yet
    form = client.get("/console/login/totp")
    wrong = client.post("/console/login/totp", data={"code": "000000", "csrf": csrf_of(form)})
    assert wrong.status_code == 401 and "Ten kod jest nieprawidłowy" in wrong.text
    code = login_code(rt, staff.username)
    ok = client.post(
        "/console/login/totp", data={"code": code, "csrf": csrf_of(form)}, follow_redirects=False
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/console"
    client.cookies.clear()
    password_step(client, staff.username)
    form = client.get("/console/login/totp")
    replay = client.post("/console/login/totp", data={"code": code, "csrf": csrf_of(form)})
    assert replay.status_code == 401  # a code works once


def test_p12_a_recovery_code_stands_in_once(client: TestClient, rt: Runtime) -> None:
    staff, _ = make_staff(rt, "billing", enrolled=False)
    codes = codes_on(enrol(client, staff.username))
    client.cookies.clear()
    for attempt, expected in ((codes[3].upper(), 303), (codes[3], 401)):
        client.cookies.clear()
        password_step(client, staff.username)
        form = client.get("/console/login/totp")
        answer = client.post(
            "/console/login/totp",
            data={"code": attempt, "csrf": csrf_of(form)},
            follow_redirects=False,
        )
        assert answer.status_code == expected
    with rt.sessions() as s:
        audit = s.execute(
            select(AuditRecord.action).where(AuditRecord.action == "staff.recovery_code_used")
        ).scalars()
        assert len(audit.all()) == 1
        assert mfa.recovery_codes_left(s, s.get(Staff, staff.id)) == len(codes) - 1  # type: ignore[arg-type]


def test_p12_replacing_the_authenticator_keeps_the_old_one_until_confirmed(
    client: TestClient, rt: Runtime
) -> None:
    staff, _ = make_staff(rt, "marketing")
    assert login(client, staff.username).status_code == 303
    account = client.get("/console/account")
    assert "Logowanie dwuskładnikowe: <strong>włączone</strong>" in account.text
    started = client.post("/console/account/totp", data={"csrf": csrf_of(account)})
    new_secret = secret_on(started)
    client.cookies.clear()
    assert login(client, staff.username).status_code == 303  # the old factor still works
    page = client.get("/console/account")
    confirmed = client.post(
        "/console/account/totp/confirm",
        data={"code": code_for(new_secret), "csrf": csrf_of(page)},
    )
    assert "Logowanie dwuskładnikowe jest włączone" in confirmed.text
    assert len(codes_on(confirmed)) == 10
    with rt.sessions() as s:
        assert mfa.current_code(rt, s, s.get(Staff, staff.id)) == code_for(new_secret)  # type: ignore[arg-type]


def test_p12_api_tokens_of_accounts_without_a_second_factor_are_refused(
    client: TestClient, rt: Runtime
) -> None:
    staff, token = make_staff(rt, "support", enrolled=False)
    refused = client.get("/api/v1/customers", headers=api_headers(token))
    assert refused.status_code == 401 and "second factor" in refused.json()["message"]
    enrol(client, staff.username)
    assert client.get("/api/v1/customers", headers=api_headers(token)).status_code == 200


def test_p12_evidence_counts_accounts_without_a_second_factor(rt: Runtime) -> None:
    from imbplus.staff.evidence import second_factor

    make_staff(rt, "support")
    assert second_factor(rt).passed
    lax, _ = make_staff(rt, "analyst", enrolled=False)
    make_staff(rt, "admin", enrolled=False)
    outcome = second_factor(rt)
    assert not outcome.passed and outcome.figures["without_second_factor"] == 2
    assert lax.username not in outcome.detail and "2 of 3" in outcome.detail
    with rt.job("tests", Purpose.SECURITY) as ctx:
        for s in ctx.session.execute(select(Staff).where(Staff.totp_enabled.is_(False))).scalars():
            s.active = False  # disabled accounts cannot log in: they do not count
    assert second_factor(rt).passed
