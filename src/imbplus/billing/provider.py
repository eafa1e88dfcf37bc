"""Payment-provider adapter (P20): one interface, chosen by `IMBPLUS_PAYMENT_ADAPTER`.

The provider is a processor (P04): the caller records the hand-over in the disclosure
register before calling it, as sandboxed when the adapter is a sandbox. A real provider
(its HTTP API) implements `PaymentProvider` and is added to `PROVIDERS`; `sandbox`
(`billing/sandbox.py`) answers locally, like a provider's test mode, from the usual test
card numbers, and nothing leaves this machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from imbplus.billing.cardcheck import CheckedCard
from imbplus.errors import DomainError
from imbplus.processors.adapters import Registry
from imbplus.settings import Settings


class PaymentDeclined(DomainError):
    status = 402
    code = "payment_declined"


class PaymentTimeout(DomainError):
    status = 504
    code = "payment_timeout"


@dataclass(frozen=True)
class Approval:
    reference: str
    token: str | None = None  # for recurring charges, when the card was saved


class PaymentProvider(Protocol):
    processor_id: str

    @property
    def sandbox(self) -> bool: ...

    def authorize(
        self,
        card: CheckedCard,
        *,
        amount: int,
        currency: str,
        idempotency_key: str,
        save: bool,
    ) -> Approval:
        """Authorize and capture `amount`; raise PaymentDeclined or PaymentTimeout."""
        ...

    def charge_token(
        self, token: str, *, amount: int, currency: str, idempotency_key: str
    ) -> Approval:
        """Merchant-initiated charge of a saved card (no CVV)."""
        ...

    def void(self, reference: str) -> None:
        """Cancel an authorization whose order could not be completed."""
        ...


def _sandbox(settings: Settings) -> PaymentProvider:
    from imbplus.billing.sandbox import SandboxProvider

    return SandboxProvider(settings.payment_processor, settings.payment_timeout_s)


PROVIDERS: Registry[PaymentProvider] = Registry(
    "payment provider",
    setting="payment_adapter",
    processor_setting="payment_processor",
    implementations={"sandbox": _sandbox},
)
