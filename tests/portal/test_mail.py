"""E-mail through the outbox: queued in the unit of work, encrypted, delivered over real SMTP."""

from __future__ import annotations

from sqlalchemy import select

from imbplus.clock import clock
from imbplus.notify import outbox
from imbplus.notify.models import OutboxMessage
from imbplus.portal import mail
from imbplus.privacy.catalog import Purpose
from imbplus.privacy.models import AuditRecord
from imbplus.runtime import Runtime
from tests.support.factories import make_customer
from tests.support.smtp import Mailbox


def _queue(rt: Runtime, customer_id: str, reference: str = "portal:test") -> None:
    with rt.job("portal", Purpose.SERVICE_DELIVERY) as ctx:
        assert mail.send_to_customer(
            ctx, customer_id, "Temat", "Treść wiadomości", reference=reference
        )


def test_queued_mail_is_encrypted_then_delivered_and_dropped(rt: Runtime, smtp: Mailbox) -> None:
    customer = make_customer(rt)
    _queue(rt, customer.id)
    with rt.sessions() as s:
        row = s.execute(select(OutboxMessage)).scalar_one()
        assert row.status == "pending" and row.purpose == "service_delivery"
        assert customer.email.encode() not in (row.recipient_ct or b"")
        assert b"Tre" not in (row.body_ct or b"")
    report = mail.deliver_due(rt)
    assert (report.sent, report.failed, report.cancelled) == (1, 0, 0)
    [message] = smtp.to(customer.email)
    assert message["Subject"] == "Temat" and "Treść wiadomości" in smtp.text(message)
    with rt.sessions() as s:
        row = s.execute(select(OutboxMessage)).scalar_one()
        assert row.status == "sent" and row.sent_at is not None
        assert (row.recipient_ct, row.subject_ct, row.body_ct) == (None, None, None)
        actions = set(
            s.execute(
                select(AuditRecord.action).where(AuditRecord.subject_id == customer.id)
            ).scalars()
        )
    assert {"mail.queue", "outbox.send"} <= actions  # decrypted through the gate to send
    assert mail.deliver_due(rt).sent == 0  # nothing is sent twice


def test_a_failed_delivery_is_retried_later(rt: Runtime, smtp: Mailbox) -> None:
    customer = make_customer(rt)
    _queue(rt, customer.id)
    port = rt.settings.smtp_port
    rt.settings.smtp_port = 9  # nothing listens there
    report = mail.deliver_due(rt)
    assert (report.sent, report.failed) == (0, 1)
    with rt.sessions() as s:
        row = s.execute(select(OutboxMessage)).scalar_one()
        assert row.attempts == 1 and row.last_error and row.status == "pending"
        assert row.next_attempt_at > clock.now()
    rt.settings.smtp_port = port
    assert mail.deliver_due(rt).sent == 0  # not due yet
    clock.advance(31)
    assert mail.deliver_due(rt).sent == 1
    assert len(smtp.to(customer.email)) == 1


def test_a_suppressed_reference_is_cancelled_at_delivery(rt: Runtime, smtp: Mailbox) -> None:
    customer = make_customer(rt)
    _queue(rt, customer.id, reference="testing-suppression:1")
    mail.suppress_when("testing-suppression:", lambda _s, cid: cid == customer.id)
    try:
        report = mail.deliver_due(rt)
    finally:
        outbox._SUPPRESSIONS.pop("testing-suppression:")
    assert (report.sent, report.cancelled) == (0, 1)
    assert smtp.to(customer.email) == []
    with rt.sessions() as s:
        row = s.execute(select(OutboxMessage)).scalar_one()
        assert row.status == "cancelled" and row.body_ct is None


def test_cancel_pending_withdraws_only_that_kind(rt: Runtime, smtp: Mailbox) -> None:
    customer = make_customer(rt)
    _queue(rt, customer.id, reference="survey:1:invite")
    _queue(rt, customer.id, reference="portal:reset")
    with rt.job("portal", Purpose.SERVICE_DELIVERY) as ctx:
        assert mail.cancel_pending(ctx, customer.id, "survey:") == 1
    assert mail.deliver_due(rt).sent == 1
    [message] = smtp.to(customer.email)
    assert message["Subject"] == "Temat"
