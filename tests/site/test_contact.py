"""P23: privacy questions reach the DPO's inbox, are answered within a month by e-mail, and
stay encrypted; bad input is refused with a clear page and nothing stored."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from imbplus.clock import clock
from imbplus.customers import service as customers
from imbplus.notify.senders import SmtpSender
from imbplus.privacy.catalog import Purpose
from imbplus.privacy.crypto import key_ref
from imbplus.privacy.models import AuditRecord
from imbplus.runtime import Runtime
from imbplus.site import inquiries, mail
from imbplus.site.models import PrivacyInquiry
from tests.portal.test_pages import portal_login
from tests.staff.test_console import choose, csrf_of, login
from tests.support.factories import make_staff, make_subscriber
from tests.support.site import token_of
from tests.support.smtp import SmtpServer
from tests.test_p05_no_plaintext import _database_text

QUESTION = {
    "name": "Bożydar Przybylski-Ogonowski",
    "email": "bozydar.ogonowski.7731@poczta-testowa.pl",
    "topic": "my_data",
    "message": "Jakie dane o mnie przechowujecie w związku z dekoderem na Jaśminowej?",
}


def ask(client: TestClient, prefix: str = "", **fields: str) -> tuple[int, str, str]:
    form = client.get(f"{prefix}/contact")
    answer = client.post(
        f"{prefix}/contact",
        data={"token": token_of(form, f"{prefix}/contact"), **QUESTION, **fields},
        follow_redirects=False,
    )
    return answer.status_code, answer.headers.get("location", ""), answer.text


def stored(rt: Runtime) -> int:
    with rt.unit_of_work() as s:
        return int(s.execute(select(func.count()).select_from(PrivacyInquiry)).scalar_one())


def test_p23_question_to_inbox_answer_by_email(
    client: TestClient, rt: Runtime, mail_server: SmtpServer
) -> None:
    status, location, _ = ask(client, prefix="/en")
    assert status == 303 and location.startswith("/en/contact/sent?ref=PRV-")
    reference = location.split("ref=")[1]
    sent = client.get(location)
    assert reference in sent.text and "We will answer by" in sent.text

    dpo, _ = make_staff(rt, "dpo")
    login(client, dpo.username)
    choose(client, "data_subject_request")
    inbox = client.get("/console/privacy/inbox")
    assert reference in inbox.text and "my_data" in inbox.text
    assert QUESTION["email"] not in inbox.text  # the list shows no personal data
    with rt.unit_of_work() as s:
        row = s.execute(select(PrivacyInquiry)).scalar_one()
        assert row.due_at == inquiries.one_month_later(row.received_at)
        assert row.status == "new" and row.lang == "en" and row.customer_id is None
    detail = client.get(f"/console/privacy/inbox/{row.id}")
    assert QUESTION["email"] in detail.text and QUESTION["message"] in detail.text
    with rt.unit_of_work() as s:
        read = s.execute(
            select(AuditRecord).where(AuditRecord.action == "privacy_inquiry.read")
        ).scalar_one()
    assert (read.actor_id, read.purpose, read.subject_id) == (
        str(dpo.id),
        "data_subject_request",
        row.id,
    )

    answered = client.post(
        f"/console/privacy/inbox/{row.id}/answer",
        data={"answer": "We hold your name and e-mail only.", "csrf": csrf_of(detail)},
        follow_redirects=False,
    )
    assert answered.status_code == 303
    queued = client.get(f"/console/privacy/inbox/{row.id}")
    assert "Queued for e-mail" in queued.text and "Sent by e-mail" not in queued.text
    report = mail.deliver(
        rt, SmtpSender(rt.settings.model_copy(update={"smtp_port": mail_server.port}))
    )
    assert report.sent == 1
    assert "Sent by e-mail" in client.get(f"/console/privacy/inbox/{row.id}").text
    [message] = mail_server.mailbox.to(QUESTION["email"])
    assert message["Subject"] == f"IMB+: answer to your question {reference}"
    assert "We hold your name and e-mail only." in message.get_content()
    closed = client.post(
        f"/console/privacy/inbox/{row.id}/status",
        data={"status": "closed", "csrf": csrf_of(detail)},
        follow_redirects=False,
    )
    assert closed.status_code == 303
    with rt.unit_of_work() as s:
        done = s.get(PrivacyInquiry, row.id)
        assert done is not None and done.status == "closed" and done.closed_at is not None


def test_p23_the_answer_clock_and_overdue_questions(client: TestClient, rt: Runtime) -> None:
    assert inquiries.one_month_later(datetime(2027, 1, 31, 9, tzinfo=UTC)) == datetime(
        2027, 2, 28, 9, tzinfo=UTC
    )
    assert inquiries.one_month_later(datetime(2028, 1, 31, tzinfo=UTC)).day == 29
    assert inquiries.one_month_later(datetime(2026, 12, 15, tzinfo=UTC)) == datetime(
        2027, 1, 15, tzinfo=UTC
    )
    ask(client)
    dpo, _ = make_staff(rt, "dpo")
    login(client, dpo.username)
    choose(client, "data_subject_request")
    assert "(overdue)" not in client.get("/console/privacy/inbox").text
    clock.advance(32 * 86_400)
    login(client, dpo.username)  # the console session has long expired
    choose(client, "data_subject_request")
    assert "(overdue)" in client.get("/console/privacy/inbox").text


def test_p23_only_the_dpo_opens_the_inbox(client: TestClient, rt: Runtime) -> None:
    ask(client)
    support, _ = make_staff(rt, "support")
    login(client, support.username)
    choose(client, "service_delivery")
    assert client.get("/console/privacy/inbox").status_code == 403
    with rt.unit_of_work() as s:
        row_id = s.execute(select(PrivacyInquiry.id)).scalar_one()
    page = client.get(f"/console/privacy/inbox/{row_id}")
    assert page.status_code == 403 and QUESTION["email"] not in page.text


def test_p23_a_logged_in_customer_question_is_theirs(client: TestClient, rt: Runtime) -> None:
    """Linked to the customer, sealed under their own key, and visible in their trail (B02)."""
    me = make_subscriber(rt)
    portal_login(client, me.email)
    status, _, _ = ask(client)
    assert status == 303
    with rt.job("tests", Purpose.SERVICE_DELIVERY) as ctx:
        own_key = customers.data_key_id(ctx, me.id)
        row = ctx.session.execute(select(PrivacyInquiry)).scalar_one()
        assert row.customer_id == me.id
        assert key_ref(row.message_ct)[0] == own_key
    dpo, _ = make_staff(rt, "dpo")
    client.cookies.clear()
    login(client, dpo.username)
    choose(client, "data_subject_request")
    client.get(f"/console/privacy/inbox/{row.id}")
    with rt.unit_of_work() as s:
        trail = s.execute(
            select(AuditRecord).where(
                AuditRecord.subject_id == me.id, AuditRecord.action == "privacy_inquiry.read"
            )
        ).scalar_one()
    assert trail.actor_role == "dpo"


@pytest.mark.parametrize(
    ("fields", "field_label"),
    [
        ({"email": "not-an-address <script>alert(1)</script>"}, "Adres e-mail"),
        ({"topic": "gossip"}, "Temat"),
        ({"message": "krótko"}, "Treść"),
        ({"message": "x" * 5001}, "Treść"),
        ({"name": "Jan\x00Kowalski"}, "Imię i nazwisko"),
    ],
)
def test_bad_input_shows_the_form_again_and_stores_nothing(
    client: TestClient, rt: Runtime, fields: dict[str, str], field_label: str
) -> None:
    status, _, body = ask(client, **fields)
    assert status == 422
    assert "Popraw zaznaczone pola" in body and f"<li>{field_label}:" in body
    assert "<script>alert(1)" not in body
    if "email" in fields:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body  # kept, escaped
    assert stored(rt) == 0


def test_html_in_every_field_is_escaped_everywhere(client: TestClient, rt: Runtime) -> None:
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    status, _, _ = ask(client, name=f"Jan {script}", message=f"Pytanie {script} o dane.")
    assert status == 303
    dpo, _ = make_staff(rt, "dpo")
    login(client, dpo.username)
    choose(client, "data_subject_request")
    with rt.unit_of_work() as s:
        row_id = s.execute(select(PrivacyInquiry.id)).scalar_one()
    page = client.get(f"/console/privacy/inbox/{row_id}")
    detail = client.post(
        f"/console/privacy/inbox/{row_id}/answer",
        data={"answer": f"Odpowiedź {script}", "csrf": csrf_of(page)},
    )
    for text in (page.text, detail.text):
        assert "<script>alert" not in text and "<img src=x" not in text
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in text


def test_oversized_and_forged_posts_store_nothing(client: TestClient, rt: Runtime) -> None:
    form = client.get("/en/contact")
    huge = "x" * (rt.settings.site_form_max_bytes + 100)
    too_big = client.post(
        "/en/contact", data={"token": token_of(form, "/en/contact"), **QUESTION, "message": huge}
    )
    assert too_big.status_code == 413
    assert too_big.headers["content-type"].startswith("text/html")
    assert "Too much data" in too_big.text and "Za dużo danych" in too_big.text
    forged = client.post("/contact", data={"token": "1.9999999999.forged", **QUESTION})
    assert forged.status_code == 403 and "Niczego nie zapisaliśmy" in forged.text
    missing = client.post("/contact", data=QUESTION)
    assert missing.status_code == 422 and "<html" in missing.text
    assert stored(rt) == 0


def test_p05_questions_are_not_in_the_database_in_plain_text(
    client: TestClient, rt: Runtime
) -> None:
    ask(client)
    database = _database_text(rt)
    for needle in ("Bożydar", "Przybylski-Ogonowski", "bozydar.ogonowski.7731", "Jaśminowej"):
        assert needle.encode() not in database, needle
