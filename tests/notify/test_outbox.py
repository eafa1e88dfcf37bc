"""P08: shipment notices by e-mail (real SMTP server) and SMS, through the outbox:
a failing sender is retried with backoff and nothing is lost; what the SMS sandbox takes is
sandboxed, never sent, and so is its hand-over (P04)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from imbplus.clock import clock
from imbplus.notify import worker
from imbplus.notify.models import OutboxMessage
from imbplus.notify.sandbox import SandboxSms
from imbplus.notify.senders import SmtpSender
from imbplus.privacy.catalog import Purpose
from imbplus.privacy.disclosure import Disclosure
from imbplus.runtime import Runtime
from imbplus.settings import Settings
from tests.support.cli import imbplus
from tests.support.factories import make_customer
from tests.support.shop import place_order, setup_shop
from tests.support.smtp import SmtpServer


@pytest.fixture
def smtp() -> SmtpServer:
    """A real SMTP server, not listening until a test enters it."""
    return SmtpServer()


@pytest.fixture
def mail_rt(settings: Settings, smtp: SmtpServer) -> Iterator[Runtime]:
    settings.smtp_port = smtp.port
    runtime = Runtime(settings)
    setup_shop(runtime)
    yield runtime
    runtime.dispose()


def _messages(rt: Runtime) -> list[OutboxMessage]:
    with rt.sessions() as s:
        return list(s.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars())


def _handed(rt: Runtime, customer_id: str) -> list[tuple[str, str, bool, str | None]]:
    with rt.sessions() as s:
        rows = s.execute(
            select(
                Disclosure.recipient_id,
                Disclosure.fields,
                Disclosure.sandbox,
                Disclosure.processor_ref,
            ).where(Disclosure.subject_id == customer_id, Disclosure.purpose == "shipment_contact")
        ).all()
    return sorted(tuple(r) for r in rows)  # type: ignore[misc]


def test_p08_notices_go_by_smtp_and_to_the_sms_sandbox_then_leave_the_outbox(
    mail_rt: Runtime, smtp: SmtpServer
) -> None:
    customer = make_customer(mail_rt)
    order = place_order(mail_rt, customer.id)
    parcel = order.shipments[0].parcel_id
    sms = SandboxSms()
    with smtp as server:
        box = server.mailbox
        report = worker.run_once(mail_rt, worker.Senders(SmtpSender(mail_rt.settings), sms))
    assert (report.sent, report.sandboxed, report.failed, report.pending) == (1, 1, 0, 0)
    [mail] = box.messages
    assert mail["To"] == customer.email and parcel in mail["Subject"]
    assert "przygotowana do wysyłki" in mail.get_content()
    assert sms.sent == [(customer.phone, sms.sent[0][1])] and parcel in sms.sent[0][1]
    rows = {row.channel: row for row in _messages(mail_rt)}
    assert (rows["email"].status, rows["sms"].status) == ("sent", "sandboxed")
    for row in rows.values():
        assert row.attempts == 1 and row.sent_at is not None
        assert row.recipient_ct is None and row.body_ct is None  # nothing kept once handled
    # the e-mail left for the relay; the SMS never left this machine, and the register says so
    assert _handed(mail_rt, customer.id) == [
        ("sandbox-mail", "email,message", False, mail["Message-ID"]),
        ("sandbox-sms", "phone,message", True, "sandbox-sms-1"),
    ]


def test_p08_a_failing_sender_is_retried_with_backoff_and_nothing_is_lost(
    mail_rt: Runtime, smtp: SmtpServer
) -> None:
    clock.freeze()
    customer = make_customer(mail_rt)
    place_order(mail_rt, customer.id)
    sms = SandboxSms(fail_next=2)
    senders = worker.Senders(SmtpSender(mail_rt.settings), sms)
    first = worker.run_once(mail_rt, senders)  # no SMTP server listening yet
    assert (first.sent, first.failed, first.pending) == (0, 2, 2)
    assert first.errors == {"smtp: ConnectionRefusedError": 1, "sms: gateway unavailable": 1}
    rows = _messages(mail_rt)
    assert {r.last_error for r in rows} == {
        "smtp: ConnectionRefusedError",
        "sms: gateway unavailable",
    }
    assert _handed(mail_rt, customer.id) == []  # nothing left: no hand-over recorded
    assert all(r.attempts == 1 and r.next_attempt_at > clock.now() for r in rows)
    assert worker.run_once(mail_rt, senders).sent == 0  # not due yet: backoff
    clock.advance(worker.FIRST_BACKOFF_S)
    second = worker.run_once(mail_rt, senders)
    assert second.failed == 2  # still failing: the wait doubles
    waits = [(r.next_attempt_at - clock.now()).total_seconds() for r in _messages(mail_rt)]
    assert waits == [2 * worker.FIRST_BACKOFF_S] * 2
    clock.advance(2 * worker.FIRST_BACKOFF_S)
    with smtp as server:
        box = server.mailbox
        third = worker.run_once(mail_rt, senders)
    assert (third.sent, third.sandboxed, third.pending) == (1, 1, 0)
    assert len(box.messages) == 1 and len(sms.sent) == 1
    assert [r.attempts for r in _messages(mail_rt)] == [3, 3]
    assert [h[2] for h in _handed(mail_rt, customer.id)] == [False, True]  # once each


def test_backoff_doubles_up_to_the_cap() -> None:
    assert [worker.backoff_s(n, 200) for n in (1, 2, 3, 4, 5)] == [30, 60, 120, 200, 200]


def test_p08_a_message_for_an_erased_customer_is_never_sent(mail_rt: Runtime) -> None:
    customer = make_customer(mail_rt)
    place_order(mail_rt, customer.id)
    from imbplus.customers.models import Customer

    with mail_rt.unit_of_work() as s:
        row = s.get(Customer, customer.id)
        assert row is not None
        mail_rt.keyring.shred(s, row.key_id)  # crypto-shredding, as erasure does
    sms = SandboxSms()
    report = worker.run_once(mail_rt, worker.Senders(SmtpSender(mail_rt.settings), sms))
    assert (report.sent, report.dropped, report.pending) == (0, 2, 0)
    assert sms.sent == []


def test_p04_site_e_mails_leave_through_the_contracted_mail_relay(
    mail_rt: Runtime, smtp: SmtpServer
) -> None:
    from imbplus.privacy.catalog import Purpose
    from imbplus.site import mail

    customer = make_customer(mail_rt)
    with mail_rt.job("policy_notice", Purpose.SERVICE_DELIVERY) as ctx:
        mail.send_to_customer(ctx, customer.id, "Nowa polityka", "Treść", reference="policy:2")
    with smtp as server:
        box = server.mailbox
        report = worker.run_once(
            mail_rt, worker.Senders(SmtpSender(mail_rt.settings), SandboxSms())
        )
    assert report.sent == 1 and box.messages[0]["To"] == customer.email
    with mail_rt.sessions() as s:
        row = s.execute(select(Disclosure).where(Disclosure.subject_id == customer.id)).scalar_one()
    assert (row.recipient_id, row.categories, row.purpose) == (
        "sandbox-mail",
        "contact",
        "service_delivery",
    )


def test_p04_outbox_run_counts_what_the_sms_sandbox_took_apart(
    mail_rt: Runtime, settings: Settings, smtp: SmtpServer
) -> None:
    customer = make_customer(mail_rt)
    place_order(mail_rt, customer.id)
    with smtp as server:
        env = {"IMBPLUS_SMTP_PORT": str(server.port)}
        result = imbplus(settings, "outbox", "run", "-q", env=env)
    assert result.returncode == 0, result.stderr
    assert "sandbox adapter for SMS" in result.stdout
    assert "sent 1, failed 0 (will retry), sandboxed 1 (nothing left this machine)" in (
        " ".join(result.stdout.split())
    )
    status = imbplus(settings, "outbox", "status")
    assert "sandboxed/sms" in status.stdout and "sent/email" in status.stdout


def test_the_demo_sends_e_mail_to_reserved_domains_only(rt: Runtime) -> None:
    from imbplus.notify import outbox
    from imbplus.portal import mail

    rt.settings.outbox_reserved_domains_only = True
    real = make_customer(rt, email="jan.nowak@wp.pl")
    fictitious = make_customer(rt, email="jan.nowak@poczta.example.com")
    with rt.job("portal", Purpose.SERVICE_DELIVERY) as ctx:
        for customer in (real, fictitious):
            mail.send_to_customer(ctx, customer.id, "Temat", "Treść", reference="test:demo")
    rows = {row.customer_id: row for row in _messages(rt)}
    dropped, pending = rows[real.id], rows[fictitious.id]
    assert (dropped.status, dropped.last_error) == ("dropped", outbox.NOT_RESERVED)
    assert dropped.recipient_ct is None and dropped.body_ct is None  # nothing of it kept
    assert pending.status == "pending" and pending.recipient_ct is not None
    assert outbox.reserved("a@b.test") and outbox.reserved("x@EXAMPLE.org.")
    assert not outbox.reserved("a@example.pl") and not outbox.reserved("a@notexample.com")
