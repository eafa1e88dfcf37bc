"""P24: feedback is declared non-confidential before sending, kept apart from customer
records, and its text is still encrypted and read only through the gate."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, inspect, select

from imbplus.privacy.models import AuditRecord
from imbplus.runtime import Runtime
from imbplus.site.models import Feedback
from tests.portal.test_pages import portal_login
from tests.staff.test_console import choose, login
from tests.support.factories import make_staff, make_subscriber
from tests.support.site import token_of
from tests.test_p05_no_plaintext import _database_text

IDEA = "Proszę o tryb ciemny w portalu — Wiesława Jabłonowska-Trąbczyńska"


def send(client: TestClient, prefix: str = "", **fields: str) -> tuple[int, str]:
    form = client.get(f"{prefix}/feedback")
    data = {"topic": "site", "message": IDEA, "understood": "on", **fields}
    answer = client.post(
        f"{prefix}/feedback",
        data={"token": token_of(form, f"{prefix}/feedback"), **data},
        follow_redirects=False,
    )
    return answer.status_code, answer.text


def count(rt: Runtime) -> int:
    with rt.unit_of_work() as s:
        return int(s.execute(select(func.count()).select_from(Feedback)).scalar_one())


def test_p24_the_form_says_it_is_non_confidential_before_sending(client: TestClient) -> None:
    for prefix, words in (("", "nie są poufne"), ("/en", "are not confidential")):
        page = client.get(f"{prefix}/feedback").text
        notice = page.index(words)
        assert notice < page.index('name="message"') < page.index('type="submit"', notice)
        assert 'name="understood"' in page


def test_p24_without_confirming_nothing_is_stored(client: TestClient, rt: Runtime) -> None:
    form = client.get("/feedback")
    answer = client.post(
        "/feedback",
        data={"token": token_of(form, "/feedback"), "topic": "site", "message": IDEA},
    )
    assert answer.status_code == 422 and "Potwierdzenie: Zaznacz potwierdzenie." in answer.text
    assert "Wiesława" in answer.text  # the text is kept for a second try
    assert count(rt) == 0


def test_p24_kept_apart_from_customers_and_encrypted(client: TestClient, rt: Runtime) -> None:
    me = make_subscriber(rt)
    portal_login(client, me.email)  # even a logged-in subscriber's feedback is not linked
    status, _ = send(client, email="wieslawa.jt@example.pl")
    assert status == 303
    assert count(rt) == 1
    columns = {c["name"] for c in inspect(rt.engine).get_columns("feedback")}
    assert not any("customer" in c for c in columns)
    with rt.unit_of_work() as s:
        received = s.execute(
            select(AuditRecord).where(AuditRecord.action == "feedback.receive")
        ).scalar_one()
        assert received.subject_id is None and received.actor_id == "site"
    database = _database_text(rt)
    for needle in ("Jabłonowska", "tryb ciemny", "wieslawa.jt"):
        assert needle.encode() not in database


def test_p24_marketing_reads_feedback_through_the_gate(client: TestClient, rt: Runtime) -> None:
    send(client, message="<script>alert(1)</script> Więcej kanałów sportowych, proszę.")
    support, _ = make_staff(rt, "support")
    login(client, support.username)
    choose(client, "service_delivery")
    refused = client.get("/console/feedback")
    assert refused.status_code == 403 and "Więcej kanałów" not in refused.text
    marketing, _ = make_staff(rt, "marketing")
    client.cookies.clear()
    login(client, marketing.username)
    choose(client, "service_improvement")
    page = client.get("/console/feedback")
    assert page.status_code == 200 and "Więcej kanałów sportowych" in page.text
    assert "<script>alert(1)" not in page.text and "&lt;script&gt;" in page.text
    with rt.unit_of_work() as s:
        decisions = [
            (r.actor_role, r.result)
            for r in s.execute(
                select(AuditRecord).where(AuditRecord.action == "feedback.read")
            ).scalars()
        ]
    assert decisions == [("support", "denied"), ("marketing", "allowed")]


def test_oversized_forged_and_malformed_feedback_stores_nothing(
    client: TestClient, rt: Runtime
) -> None:
    form = client.get("/feedback")
    token = token_of(form, "/feedback")
    huge = "x" * (rt.settings.site_form_max_bytes + 1)
    too_big = client.post(
        "/feedback", data={"token": token, "topic": "site", "message": huge, "understood": "on"}
    )
    assert too_big.status_code == 413 and "Za dużo danych" in too_big.text
    forged = client.post(
        "/feedback",
        data={"token": token + "x", "topic": "site", "message": IDEA, "understood": "on"},
    )
    assert forged.status_code == 403 and "Niczego nie zapisaliśmy" in forged.text
    script = "<script>alert(1)</script>"
    bad = client.post(
        "/feedback",
        data={"token": token, "topic": script, "message": script, "email": script},
    )
    assert bad.status_code == 422 and script not in bad.text
    assert bad.text.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2  # message and e-mail
    assert count(rt) == 0


def test_oversized_cookie_choice_is_refused(client: TestClient, rt: Runtime) -> None:
    page = client.get("/cookies")
    answer = client.post(
        "/en/cookies/consent",
        data={"token": token_of(page), "choice": "accept_all", "next": "/" + "a" * 70_000},
    )
    assert answer.status_code == 413 and "Too much data" in answer.text
    assert answer.headers.get_list("set-cookie") == []
