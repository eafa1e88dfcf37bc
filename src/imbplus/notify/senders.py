"""Senders: e-mail over SMTP (smtplib) and SMS through a gateway adapter.

Both mail relay and SMS gateway are processors (P04). `SmtpSender` talks to the configured
SMTP host; `SandboxSms` is the local stand-in for an SMS gateway's HTTP API (it keeps the
messages in memory and can be told to fail, like a gateway's test mode). Failures raise
`SendFailed` with a kind (never the address or the text).
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol

from imbplus.settings import Settings


class SendFailed(Exception):
    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind[:200]


class EmailSender(Protocol):
    def send(self, to: str, subject: str, body: str) -> None: ...


class SmsSender(Protocol):
    def send(self, to: str, text: str) -> None: ...


class SmtpSender:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def send(self, to: str, subject: str, body: str) -> None:
        s = self.settings
        message = EmailMessage()
        message["From"] = s.mail_from
        message["To"] = to
        message["Subject"] = subject
        message["Message-ID"] = make_msgid(domain="imb-iptv.example")
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


@dataclass
class SandboxSms:
    """Local SMS gateway stand-in: `sent` holds (to, text); `fail_next` failures first."""

    fail_next: int = 0
    sent: list[tuple[str, str]] = field(default_factory=list)

    def send(self, to: str, text: str) -> None:
        if self.fail_next > 0:
            self.fail_next -= 1
            raise SendFailed("sms: gateway unavailable")
        self.sent.append((to, text))
