"""P08/P04: SMS through SMSAPI.pl's REST API, against a fake gateway on loopback. A message
the gateway accepted is a real hand-over under its id; a refusal, a 5xx or no answer leaves
the message for the outbox's retry, with nothing recorded as handed over and no number,
text or token in the error, the logs or the adapter's repr."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from imbplus.clock import clock
from imbplus.errors import ConfigurationError
from imbplus.notify import worker
from imbplus.notify.models import OutboxMessage
from imbplus.notify.senders import SMS, SendFailed
from imbplus.notify.smsapi import SmsApiSender
from imbplus.privacy.catalog import Purpose
from imbplus.privacy.disclosure import Disclosure
from imbplus.processors import service as processors
from imbplus.runtime import Runtime
from imbplus.settings import Settings
from tests.support.factories import make_customer
from tests.support.shop import place_order, setup_shop
from tests.support.sms_gateway import ERROR, OK, SILENT, UNAVAILABLE, FakeSmsApi, Gateway
from tests.support.smtp import Mailbox

TOKEN = "smsapi-test-token-5c1f"


@pytest.fixture
def gateway(settings: Settings) -> Iterator[Gateway]:
    fake = FakeSmsApi()
    settings.sms_adapter = "smsapi"
    settings.sms_processor = "smsapi-pl"
    settings.smsapi_url = fake.url
    settings.smsapi_token = SecretStr(TOKEN)
    settings.smsapi_timeout_s = 0.5
    with fake as gw:
        yield gw


@pytest.fixture
def sms_rt(settings: Settings, smtp: Mailbox, gateway: Gateway) -> Iterator[Runtime]:
    runtime = Runtime(settings)
    setup_shop(runtime)
    now = clock.now()
    with runtime.job("processors", Purpose.SECURITY) as ctx:
        processors.register(
            ctx,
            processor_id="smsapi-pl",
            name="SMSAPI sp. z o.o.",
            kind="sms",
            contract_ref="DPA/2026/12",
            scope=["shipment_contact:shipment_contact"],
            valid_from=now - timedelta(days=1),
            valid_until=now + timedelta(days=365),
        )
    yield runtime
    runtime.dispose()


def _sms(rt: Runtime) -> OutboxMessage:
    with rt.sessions() as s:
        return s.execute(select(OutboxMessage).where(OutboxMessage.channel == "sms")).scalar_one()


def _gateway_hand_overs(rt: Runtime) -> list[Disclosure]:
    with rt.sessions() as s:
        query = select(Disclosure).where(Disclosure.recipient_id == "smsapi-pl")
        return list(s.execute(query).scalars())


def test_p08_the_gateway_gets_the_message_and_its_id_is_the_hand_over_reference(
    sms_rt: Runtime, gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    customer = make_customer(sms_rt)
    parcel = place_order(sms_rt, customer.id).shipments[0].parcel_id
    caplog.set_level(logging.DEBUG)
    report = worker.run_once(sms_rt, worker.default_senders(sms_rt))
    assert (report.sent, report.sandboxed, report.failed) == (2, 0, 0)
    [request] = gateway.received
    assert request.path == "/sms.do"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.form["to"] == customer.phone.lstrip("+")
    assert parcel in request.form["message"]
    assert {k: request.form[k] for k in ("from", "encoding", "format")} == {
        "from": "IMBplus",
        "encoding": "utf-8",
        "format": "json",
    }
    row = _sms(sms_rt)
    assert row.status == "sent" and row.body_ct is None
    [handed] = _gateway_hand_overs(sms_rt)
    assert (handed.sandbox, handed.processor_ref, handed.contract_ref) == (
        False,
        "SMS-000001",
        "DPA/2026/12",
    )
    assert (handed.subject_id, handed.fields) == (customer.id, "phone,message")
    for secret in (TOKEN, customer.phone, customer.phone.lstrip("+")):
        assert secret not in caplog.text


@pytest.mark.parametrize(
    ("mode", "error"),
    [
        (ERROR, "sms: gateway error 13 (HTTP 200)"),
        (UNAVAILABLE, "sms: gateway HTTP 503"),
        (SILENT, "sms: gateway timeout"),
    ],
)
def test_p04_a_refused_or_unanswered_message_waits_for_a_retry_without_a_hand_over(
    sms_rt: Runtime, gateway: Gateway, mode: str, error: str
) -> None:
    clock.freeze()
    customer = make_customer(sms_rt)
    gateway.phone_in_errors = customer.phone.lstrip("+")
    place_order(sms_rt, customer.id)
    gateway.mode = mode
    report = worker.run_once(sms_rt, worker.default_senders(sms_rt))
    assert (report.sent, report.failed, report.pending) == (1, 1, 1)  # the e-mail went
    row = _sms(sms_rt)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, error)
    assert row.body_ct is not None and row.next_attempt_at > clock.now()
    assert _gateway_hand_overs(sms_rt) == []
    gateway.mode = OK
    clock.advance(worker.FIRST_BACKOFF_S)
    again = worker.run_once(sms_rt, worker.default_senders(sms_rt))
    assert (again.sent, again.pending) == (1, 0)
    assert [h.processor_ref for h in _gateway_hand_overs(sms_rt)] == ["SMS-000001"]
    assert len(gateway.received) == 2


def test_the_adapter_names_neither_the_token_nor_the_number() -> None:
    sender = SmsApiSender("http://127.0.0.1:1", TOKEN, "IMBplus", 0.5)  # nothing listens
    assert TOKEN not in repr(sender)
    with pytest.raises(SendFailed) as failed:
        sender.send("+48500600700", "Twoja przesyłka")
    assert failed.value.args == ("sms: ConnectError",)


def test_the_smsapi_adapter_is_refused_without_a_token_or_under_a_sandbox_contract(
    settings: Settings,
) -> None:
    settings.sms_adapter = "smsapi"
    settings.sms_processor = "smsapi-pl"
    with pytest.raises(ConfigurationError) as missing:
        SMS.create(settings)
    assert missing.value.details["setting"] == "IMBPLUS_SMSAPI_TOKEN"
    settings.smsapi_token = SecretStr(TOKEN)
    settings.sms_processor = "sandbox-sms"
    with pytest.raises(ConfigurationError) as sandboxed:
        SMS.create(settings)
    assert sandboxed.value.details["setting"] == "IMBPLUS_SMS_PROCESSOR"
    assert TOKEN not in str(sandboxed.value.body())
    settings.sms_adapter = "carrier-pigeon"
    with pytest.raises(ConfigurationError) as unknown:
        SMS.create(settings)
    assert unknown.value.details == {
        "setting": "IMBPLUS_SMS_ADAPTER",
        "choices": "sandbox, smsapi",
    }
