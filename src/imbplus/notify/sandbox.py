"""The SMS sandbox: a local stand-in for an SMS gateway (its test mode).

Nothing leaves this machine: messages are kept in memory and can be told to fail. The
outbox records what it takes as sandboxed, never as sent. Chosen with
`IMBPLUS_SMS_ADAPTER=sandbox` (the demo and the tests); only `senders.SMS` imports it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from imbplus.notify.senders import SendFailed


@dataclass
class SandboxSms:
    """`sent` holds (to, text); `fail_next` failures first."""

    sandbox = True
    fail_next: int = 0
    sent: list[tuple[str, str]] = field(default_factory=list)

    def send(self, to: str, text: str) -> str:
        if self.fail_next > 0:
            self.fail_next -= 1
            raise SendFailed("sms: gateway unavailable")
        self.sent.append((to, text))
        return f"sandbox-sms-{len(self.sent)}"
