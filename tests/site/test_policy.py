"""P15, P22: policy versions per site and language, dated, never changed, announced to
customers (portal notice and e-mail through the outbox), and asking cookie consent again."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from imbplus.clock import clock
from imbplus.demo.policy import load as load_policy
from imbplus.errors import AccessDenied, Conflict, ValidationFailed
from imbplus.notify.models import OutboxMessage
from imbplus.notify.senders import SmtpSender
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.privacy.models import AuditRecord
from imbplus.runtime import Runtime
from imbplus.settings import Settings
from imbplus.site import mail, notices, policy
from imbplus.site.models import PolicyNotice, PolicyVersion
from tests.portal.test_pages import portal_login
from tests.staff.test_console import choose, csrf_of, login
from tests.support.cli import imbplus
from tests.support.factories import make_staff, make_subscriber
from tests.support.site import decide
from tests.support.smtp import SmtpServer

DOC = "# Polityka testowa\n\n## Zasady\n\n- Pierwsza zasada.\n- Druga zasada.\n"


def today() -> date:
    return clock.now().date()


def publish(rt: Runtime, body: str = DOC, **kw: object) -> PolicyVersion:
    args: dict[str, object] = {
        "site": "imbplus",
        "lang": "pl",
        "text": body,
        "effective_from": today(),
        "changes": "",
    }
    args.update(kw)
    with rt.job("policy", Purpose.REGULATORY_COMPLIANCE) as ctx:
        return policy.publish(ctx, **args)  # type: ignore[arg-type]


def versions_count(rt: Runtime) -> int:
    with rt.unit_of_work() as s:
        return int(s.execute(select(func.count()).select_from(PolicyVersion)).scalar_one())


def test_p22_versions_are_numbered_dated_and_announced(rt: Runtime) -> None:
    first = publish(rt, effective_from=today() - timedelta(days=400))  # loading history
    assert (first.number, first.changes) == (1, "Pierwsza wersja.")
    later = today() + timedelta(days=30)
    second = publish(rt, DOC + "- Trzecia zasada.\n", effective_from=later, changes="Trzecia.")
    with rt.unit_of_work() as s:
        assert policy.current(s, "imbplus", "pl").number == 1  # type: ignore[union-attr]
        assert policy.announced(s, "imbplus", "pl").number == 2  # type: ignore[union-attr]
        assert [v.number for v in policy.versions(s, "imbplus", "pl")] == [2, 1]
        assert policy.current(s, "imbplus", "en") is None  # per language
    clock.advance(31 * 86_400)
    with rt.unit_of_work() as s:
        assert policy.current(s, "imbplus", "pl").number == 2  # type: ignore[union-attr]
        assert policy.announced(s, "imbplus", "pl") is None
        # which version was in force on a given day
        on = today() - timedelta(days=2)
        assert policy.current(s, "imbplus", "pl", on=on).number == 1  # type: ignore[union-attr]
    assert second.body_sha256 != first.body_sha256


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"lang": "de"}, "lang"),
        ({"site": "Evil Site"}, "site"),
        ({"text": "no title line\n\ntext"}, "text"),
        ({"text": "# Only a title"}, "text"),
        ({"text": "# T\n\nbell \x07 here"}, "text"),
        ({"effective_from": date(2020, 1, 1), "changes": "x"}, "effective"),
        ({"changes": ""}, "changes"),
        ({"changes": "x" * 2001}, "changes"),
    ],
)
def test_p22_publishing_checks_its_input(rt: Runtime, kw: dict[str, object], field: str) -> None:
    publish(rt)
    with pytest.raises(ValidationFailed) as caught:
        publish(rt, DOC + "- zmiana\n", **{"changes": "zmiana", **kw})
    assert field in [p["field"] for p in caught.value.details["fields"]]
    assert versions_count(rt) == 1


def test_p22_the_same_text_again_is_a_conflict(rt: Runtime) -> None:
    publish(rt)
    with pytest.raises(Conflict):
        publish(rt, changes="nic")


def test_p22_published_versions_cannot_be_changed_or_deleted(rt: Runtime) -> None:
    publish(rt)
    for statement in (
        "UPDATE policy_versions SET body = 'rewritten'",
        "DELETE FROM policy_versions",
    ):
        with pytest.raises(DBAPIError, match="append-only"), rt.engine.begin() as conn:
            conn.execute(text(statement))
    with rt.unit_of_work() as s:
        assert s.execute(select(PolicyVersion.body)).scalar_one().startswith("## Zasady")


def test_p22_only_the_dpo_publishes(rt: Runtime) -> None:
    staff, _ = make_staff(rt, "marketing")
    with pytest.raises(AccessDenied), rt.unit_of_work() as s:
        ctx = Context(s, rt, Actor.staff(staff.id, ["marketing"]), Purpose.REGULATORY_COMPLIANCE)
        policy.publish(ctx, site="imbplus", lang="pl", text=DOC, effective_from=today(), changes="")
    assert versions_count(rt) == 0
    with rt.unit_of_work() as s:
        refusal = s.execute(
            select(AuditRecord).where(AuditRecord.action == "policy.publish")
        ).scalar_one()
    assert refusal.result == "denied" and refusal.actor_id == str(staff.id)


def test_p15_a_site_shows_its_own_policy_once_it_publishes_one(rt: Runtime) -> None:
    publish(rt)
    with rt.unit_of_work() as s:
        assert policy.current(s, "kids", "pl").site == "imbplus"  # type: ignore[union-attr]
    publish(rt, "# Polityka serwisu dla dzieci\n\nTekst.\n", site="kids")
    with rt.unit_of_work() as s:
        own = policy.current(s, "kids", "pl")
        assert own is not None and (own.site, own.title) == ("kids", "Polityka serwisu dla dzieci")
        assert policy.current(s, "imbplus", "pl").title == "Polityka testowa"  # type: ignore[union-attr]


def test_policy_text_is_rendered_without_its_html(rt: Runtime, client: TestClient) -> None:
    publish(
        rt,
        "# Tytuł <script>alert(1)</script>\n\nAkapit <b onclick=x>pogrubiony</b> "
        "i [link](https://evil.example) oraz ![obraz](https://evil.example/p.png).\n",
    )
    page = client.get("/privacy")
    assert page.status_code == 200
    assert "<script>alert(1)" not in page.text and "&lt;script&gt;" in page.text
    assert "<b onclick" not in page.text and "&lt;b onclick=x&gt;" in page.text
    assert '<a href="https://evil.example' not in page.text and "<img" not in page.text


def _text_of(page: str) -> str:
    """The policy's own text (the page adds the GDPR art. 13 information after it)."""
    return page.split('<div class="policy-text">')[1].split("</div>")[0]


def test_p22_policy_pages_show_versions_and_differences(rt: Runtime, client: TestClient) -> None:
    load_policy(rt)
    current = client.get("/privacy")
    assert "Wersja 2" in current.text and "obecnie obowiązuje" in current.text
    assert "Twoje prawa" in _text_of(current.text)
    first = client.get("/privacy/versions/1")
    assert "wcześniejsza" in first.text and "Twoje prawa" not in _text_of(first.text)
    diff = client.get("/privacy/versions/2/changes")
    added = re.search(r'<ins class="diff-line heading">.*?</ins>', diff.text, re.S)
    assert added is not None and "+</span> Twoje prawa</ins>" in added.group(0)
    removed = re.search(r'<del class="diff-line item">.*?</del>', diff.text, re.S)
    assert removed is not None and "Dane przechowujemy tylko tak długo" in removed.group(0)
    lines = diff.text.split('<div class="diff">')[1].split("</article>")[0]
    for markdown in ("**", "## ", "- ", "P13"):
        assert markdown not in lines  # the text as it reads, no Markdown, no clause ids
    english = client.get("/en/privacy/versions/2/changes")
    assert "Specific retention periods" in english.text and 'lang="en"' in english.text
    for missing in ("/privacy/versions/9", "/privacy/versions/0", "/privacy/versions/x"):
        answer = client.get(missing)
        assert answer.status_code in (404, 422) and "<html" in answer.text


def test_p22_a_new_version_asks_for_cookie_consent_again(client: TestClient, rt: Runtime) -> None:
    publish(rt)
    decide(client, "accept_all")
    assert 'class="cookie-banner"' not in client.get("/offer").text
    publish(rt, DOC + "- Nowa zasada.\n", changes="Nowa zasada.")
    again = client.get("/offer")
    assert 'class="cookie-banner"' in again.text and "prosimy o ponowną decyzję" in again.text
    assert "imb_stats=" in again.headers.get("set-cookie", "")  # deleted: max-age=0
    assert "max-age=0" in again.headers.get("set-cookie", "").lower()


def test_p22_portal_notice_until_dismissed(client: TestClient, rt: Runtime) -> None:
    publish(rt)
    me = make_subscriber(rt)
    portal_login(client, me.email)
    assert "policy-notice" not in client.get("/portal").text  # nothing new since joining
    publish(rt, DOC + "- Nowa zasada.\n", changes="Nowa zasada <b>ważna</b>.")
    home = client.get("/portal")
    assert 'class="policy-notice"' in home.text
    assert "Nowa zasada &lt;b&gt;ważna&lt;/b&gt;." in home.text
    assert "policy-notice" not in client.get("/en/portal").text  # no new English version
    version_id = int(home.text.split('name="version_id" value="')[1].split('"')[0])
    forged = client.post("/portal/policy-notice", data={"version_id": version_id, "csrf": "forged"})
    assert forged.status_code == 403
    assert "policy-notice" in client.get("/portal").text
    done = client.post(
        "/portal/policy-notice",
        data={"version_id": version_id, "csrf": csrf_of(home)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert "policy-notice" not in client.get("/portal").text
    with rt.unit_of_work() as s:
        seen = s.get(PolicyNotice, (version_id, me.id))
        assert seen is not None and seen.seen_at is not None


def test_p22_customers_are_emailed_through_the_outbox(rt: Runtime, mail_server: SmtpServer) -> None:
    publish(rt)
    people = [make_subscriber(rt) for _ in range(3)]
    version = publish(rt, DOC + "- Nowa zasada.\n", changes="Doszła nowa zasada.")
    assert notices.notify_customers(rt, version.id) == 3
    assert notices.notify_customers(rt, version.id) == 0  # idempotent
    with rt.unit_of_work() as s:
        queued = list(s.execute(select(OutboxMessage)).scalars())
        assert {m.customer_id for m in queued} == {p.id for p in people}
        assert all(
            m.recipient_ct and p.email.encode() not in m.recipient_ct
            for m, p in zip(queued, people, strict=False)
        )
    sender = SmtpSender(rt.settings.model_copy(update={"smtp_port": mail_server.port}))
    report = mail.deliver(rt, sender)
    assert (report.sent, report.failed, report.pending) == (3, 0, 0)
    for person in people:
        [message] = mail_server.mailbox.to(person.email)
        assert message["Subject"] == "IMB+: nowa wersja polityki prywatności"
        body = message.get_content()
        assert "Doszła nowa zasada." in body and "/privacy/versions/2" in body
    with rt.unit_of_work() as s:
        sent = list(s.execute(select(OutboxMessage)).scalars())
        assert all(m.status == "sent" and m.body_ct is None for m in sent)  # text dropped
        reads = s.execute(
            select(func.count()).select_from(AuditRecord).where(AuditRecord.action == "outbox.send")
        ).scalar_one()
    assert reads == 3


def test_mail_waits_and_retries_when_the_mail_server_is_down(rt: Runtime) -> None:
    me = make_subscriber(rt)
    with rt.job("policy_notice", Purpose.SERVICE_DELIVERY) as ctx:
        mail.send_to_customer(ctx, me.id, "Temat", "Treść", reference="test")
    from tests.support.live import free_port

    down = SmtpSender(
        rt.settings.model_copy(update={"smtp_port": free_port(), "smtp_timeout_s": 2})
    )
    report = mail.deliver(rt, down)
    assert (report.sent, report.failed, report.pending) == (0, 1, 1)
    assert mail.deliver(rt, down).failed == 0  # backing off: not due yet
    with rt.unit_of_work() as s:
        row = s.execute(select(OutboxMessage)).scalar_one()
        assert row.attempts == 1 and row.last_error and "@" not in row.last_error


def test_p22_publish_from_the_command_line(
    settings: Settings, rt: Runtime, tmp_path: Path, mail_server: SmtpServer
) -> None:
    publish(rt)
    make_subscriber(rt)
    doc = tmp_path / "v2.md"
    doc.write_text(DOC + "- Zasada z pliku.\n", encoding="utf-8")
    env_settings = settings.model_copy(update={"smtp_port": mail_server.port})
    ok = imbplus(
        env_settings,
        "policy",
        "publish",
        str(doc),
        "--lang",
        "pl",
        "--effective",
        today().isoformat(),
        "--changes",
        "Zasada z pliku.",
    )
    assert ok.returncode == 0, ok.stderr
    assert "version 2" in ok.stdout and "1 e-mail(s) queued" in ok.stdout
    listed = imbplus(settings, "policy", "list", "--lang", "pl")
    assert "in force" in listed.stdout and "earlier" in listed.stdout
    bad = [
        (
            "policy",
            "publish",
            str(tmp_path / "missing.md"),
            "--lang",
            "pl",
            "--effective",
            "2030-01-01",
        ),
        ("policy", "publish", str(doc), "--lang", "pl", "--effective", "tomorrow"),
        (
            "policy",
            "publish",
            str(doc),
            "--lang",
            "xx",
            "--effective",
            "2030-01-01",
            "--changes",
            "x",
        ),
        ("policy", "publish", str(doc), "--lang", "pl", "--effective", "2030-01-01"),
    ]
    for args in bad:
        result = imbplus(settings, *args)
        assert result.returncode == 2, args
        assert "Traceback" not in result.stderr and result.stderr.strip()
    assert versions_count(rt) == 2


def test_p22_dpo_publishes_in_the_console(client: TestClient, rt: Runtime) -> None:
    publish(rt)
    make_subscriber(rt)
    staff, _ = make_staff(rt, "dpo")
    login(client, staff.username)
    choose(client, "regulatory_compliance")
    page = client.get("/console/privacy/policy")
    assert page.status_code == 200 and "Polityka testowa" in page.text
    form = {
        "csrf": csrf_of(page),
        "lang": "pl",
        "effective": today().isoformat(),
        "changes": "Zmiana z konsoli.",
        "text": DOC + "- Zasada z konsoli.\n",
        "notify": "on",
    }
    refused = client.post("/console/privacy/policy", data={**form, "effective": "jutro"})
    assert refused.status_code == 422 and "YYYY-MM-DD" in refused.text
    assert versions_count(rt) == 1
    done = client.post("/console/privacy/policy", data=form, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith("published=pl-2")
    assert versions_count(rt) == 2
    with rt.unit_of_work() as s:  # the background task queued the e-mail after the commit
        assert s.execute(select(func.count()).select_from(OutboxMessage)).scalar_one() == 1
    other, _ = make_staff(rt, "support")
    client.cookies.clear()
    login(client, other.username)
    choose(client, "service_delivery")
    assert client.get("/console/privacy/policy").status_code == 403


def test_the_demo_policy_summarises_every_clause_in_both_languages(rt: Runtime) -> None:
    from imbplus.demo import policy as demo_policy

    assert load_policy(rt) == 4
    assert load_policy(rt) == 0  # loaded once
    for lang in ("pl", "en"):
        latest = demo_policy.text(2, lang)
        assert all(f"**P{i:02d}.**" in latest for i in range(1, 25)), lang
    with rt.unit_of_work() as s:
        for lang in ("pl", "en"):
            current = policy.current(s, "imbplus", lang)
            assert current is not None and current.number == 2


def test_send_mail_from_the_command_line(
    settings: Settings, rt: Runtime, mail_server: SmtpServer
) -> None:
    me = make_subscriber(rt)
    with rt.job("policy_notice", Purpose.SERVICE_DELIVERY) as ctx:
        mail.send_to_customer(ctx, me.id, "IMB+: test", "Treść wiadomości.", reference="t")
    env = {"IMBPLUS_SMTP_PORT": str(mail_server.port)}
    result = imbplus(settings, "outbox", "run", "-q", env=env)
    assert result.returncode == 0, result.stderr
    assert "sent 1, failed 0" in result.stdout
    [message] = mail_server.mailbox.to(me.email)
    assert message.get_content().strip() == "Treść wiadomości."
    down = imbplus(settings, "outbox", "run", "-q", env={"IMBPLUS_SMTP_PORT": "1"})
    assert down.returncode == 0 and "sent 0" in down.stdout  # nothing left to send


def test_p15_the_policy_page_gives_what_gdpr_art_13_asks(rt: Runtime, client: TestClient) -> None:
    load_policy(rt)
    page = client.get("/privacy").text
    s = rt.settings
    for value in (s.seller_name, s.seller_street, s.seller_postal_code, s.dpo_email):
        assert value in page  # controller and its address, the DPO's contact: from settings
    assert "Prezesa Urzędu Ochrony Danych Osobowych, ul. Stawki 2, 00-193 Warszawa" in page
    rows = dict(re.findall(r'data-purpose="([a-z_]+)">(.*?)</article>', page, re.S))
    assert "umowa lub działania przed jej zawarciem" in rows["service_delivery"]
    assert "prawnie uzasadniony interes" in rows["marketing"]
    assert "firma kurierska" in rows["shipment_contact"]  # from the processor registry
    assert "dział rozliczeń" in rows["billing"]  # from the access policy file
    assert "lat" in rows["billing"]  # invoices' period from the retention rules
    for internal in ("SHA-256", "P01", "P13", "P24", "**", "category."):
        assert internal not in page  # no clause ids or digests for readers
    english = client.get("/en/privacy").text
    assert "President of the Personal Data Protection Office" in english
    assert "the contract or steps before it (GDPR Art. 6(1)(b))" in english


def test_p15_every_purpose_with_personal_data_has_a_legal_basis() -> None:
    from imbplus.privacy.catalog import PURPOSE_LEGAL_BASIS, Purpose

    assert set(PURPOSE_LEGAL_BASIS) == set(Purpose)
