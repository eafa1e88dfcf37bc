"""Senders: e-mail over SMTP (smtplib) and SMS through a gateway adapter.

Both mail relay and SMS gateway are processors (P04). `SmtpSender` talks to the configured
SMTP host. The SMS gateway's adapter is chosen by `IMBPLUS_SMS_ADAPTER` from `SMS`:
`smsapi` (SMSAPI.pl's REST API, `notify/smsapi.py`) or `sandbox` (`notify/sandbox.py`, a
local stand-in that keeps the messages in memory: nothing leaves this machine). `send`
returns the processor's reference of the message (the provider's message id, the
Message-ID); failures raise `SendFailed` with a kind (never the address or the text).
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol

from imbplus.processors.adapters import Registry
from imbplus.settings import Settings


class SendFailed(Exception):
    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind[:200]


class EmailSender(Protocol):
    @property
    def sandbox(self) -> bool: ...

    def send(self, to: str, subject: str, body: str) -> str:
        """Hand the message over; returns the relay's reference of it."""
        ...


class SmsSender(Protocol):
    @property
    def sandbox(self) -> bool: ...

    def send(self, to: str, text: str) -> str:
        """Hand the message over; returns the gateway's id of it."""
        ...


class SmtpSender:
    sandbox = False

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def send(self, to: str, subject: str, body: str) -> str:
        s = self.settings
        message = EmailMessage()
        message_id = make_msgid(domain="imb-iptv.example")
        message["From"] = s.mail_from
        message["To"] = to
        message["Subject"] = subject
        message["Message-ID"] = message_id
        message.set_content(body)
        try:
            with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_s) as smtp:
                if s.smtp_starttls:
                    smtp.starttls()
                if s.smtp_username and s.smtp_password:
                    smtp.login(s.smtp_username, s.smtp_password)
                smtp.send_message(message)
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            raise SendFailed(f"smtp: {type(exc).__name__}") from None
        return message_id


def _smsapi(settings: Settings) -> SmsSender:
    from imbplus.notify.smsapi import SmsApiSender

    return SmsApiSender.from_settings(settings)


def _sandbox(settings: Settings) -> SmsSender:
    from imbplus.notify.sandbox import SandboxSms

    return SandboxSms()


SMS: Registry[SmsSender] = Registry(
    "SMS gateway",
    setting="sms_adapter",
    processor_setting="sms_processor",
    implementations={"smsapi": _smsapi, "sandbox": _sandbox},
)


def email_sender(settings: Settings) -> EmailSender:
    """The mail relay is reached over SMTP (a test's relay is a local SMTP server)."""
    return SmtpSender(settings)
