"""A real SMTP server on a loopback port (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.live import free_port


@dataclass
class Mailbox:
    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


class _Handler:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.box.messages.append(message)
        return "250 OK"


@contextmanager
def smtp_server() -> Iterator[Mailbox]:
    box = Mailbox("127.0.0.1", free_port())
    controller = Controller(_Handler(box), hostname=box.host, port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()
