"""P08: shipment notices by e-mail (real SMTP server) and SMS, through the outbox:
a failing sender is retried with backoff and nothing is lost."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from imbplus.clock import clock
from imbplus.notify import worker
from imbplus.notify.models import OutboxMessage
from imbplus.notify.senders import SandboxSms, SmtpSender
from imbplus.privacy.disclosure import Disclosure
from imbplus.runtime import Runtime
from imbplus.settings import Settings
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


def test_p08_notices_are_sent_by_smtp_and_sms_then_dropped_from_the_outbox(
    mail_rt: Runtime, smtp: SmtpServer
) -> None:
    customer = make_customer(mail_rt)
    order = place_order(mail_rt, customer.id)
    parcel = order.shipments[0].parcel_id
    sms = SandboxSms()
    with smtp as server:
        box = server.mailbox
        report = worker.run_once(mail_rt, worker.Senders(SmtpSender(mail_rt.settings), sms))
    assert (report.sent, report.failed, report.pending) == (2, 0, 0)
    [mail] = box.messages
    assert mail["To"] == customer.email and parcel in mail["Subject"]
    assert "przygotowana do wysyłki" in mail.get_content()
    assert sms.sent == [(customer.phone, sms.sent[0][1])] and parcel in sms.sent[0][1]
    for row in _messages(mail_rt):
        assert row.status == "sent" and row.attempts == 1
        assert row.recipient_ct is None and row.body_ct is None  # nothing kept once sent
    with mail_rt.sessions() as s:
        handed = s.execute(
            select(Disclosure.recipient_id, Disclosure.fields).where(
                Disclosure.subject_id == customer.id, Disclosure.purpose == "shipment_contact"
            )
        ).all()
    assert sorted(handed) == [("sandbox-mail", "email,message"), ("sandbox-sms", "phone,message")]


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
    rows = _messages(mail_rt)
    assert {r.last_error for r in rows} == {
        "smtp: ConnectionRefusedError",
        "sms: gateway unavailable",
    }
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
    assert (third.sent, third.pending) == (2, 0)
    assert len(box.messages) == 1 and len(sms.sent) == 1
    assert [r.attempts for r in _messages(mail_rt)] == [3, 3]


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
