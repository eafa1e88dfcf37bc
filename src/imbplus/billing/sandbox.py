"""The payment sandbox: a local stand-in for the provider's test mode (P20).

Chosen with `IMBPLUS_PAYMENT_ADAPTER=sandbox` (the demo and the tests); only
`provider.PROVIDERS` imports it. Nothing leaves this machine. It answers from the usual
test numbers:

| number              | authorization        | later token charges           |
|---------------------|----------------------|-------------------------------|
| 4242 4242 4242 4242 | approved             | approved                      |
| 4111 1111 1111 1111 | approved             | approved                      |
| 5555 5555 5555 4444 | approved             | approved                      |
| 3782 822463 10005   | approved (amex)      | approved                      |
| 4000 0000 0000 0002 | declined card_declined                               |
| 4000 0000 0000 9995 | declined insufficient_funds                          |
| 4000 0000 0000 0069 | declined expired_card                                |
| 4000 0000 0000 0127 | declined incorrect_cvc                               |
| 4000 0000 0000 0119 | times out (no answer in time)                        |
| 4000 0000 0000 0341 | approved             | declined card_declined        |
| 4000 0025 0000 3155 | approved             | first attempt declined, then approved |

Any other valid number is approved. The sandbox never keeps card data: its tokens only
encode the test behaviour, so separate processes (web, billing run) agree on outcomes.
"""

from __future__ import annotations

import secrets

from imbplus.billing.cardcheck import CheckedCard
from imbplus.billing.provider import Approval, PaymentDeclined, PaymentTimeout

_AUTH: dict[str, str] = {
    "4000000000000002": "card_declined",
    "4000000000009995": "insufficient_funds",
    "4000000000000069": "expired_card",
    "4000000000000127": "incorrect_cvc",
    "4000000000000119": "timeout",
}
_LATER: dict[str, str] = {
    "4000000000000341": "decline",
    "4000002500003155": "retry",
}


class SandboxProvider:
    """Local stand-in for the contracted payment provider (test mode)."""

    sandbox = True

    def __init__(self, processor_id: str, timeout_s: float) -> None:
        self.processor_id = processor_id
        self.timeout_s = timeout_s  # a real adapter gives its HTTP client this deadline
        self.voided: list[str] = []

    def authorize(
        self,
        card: CheckedCard,
        *,
        amount: int,
        currency: str,
        idempotency_key: str,
        save: bool,
    ) -> Approval:
        outcome = _AUTH.get(card.pan)
        if outcome == "timeout":
            raise PaymentTimeout(
                "the payment provider did not answer in time; nothing charged",
                timeout_s=self.timeout_s,
            )
        if outcome is not None:
            raise PaymentDeclined("the card was declined", decline_code=outcome)
        if amount <= 0:
            raise PaymentDeclined("the amount must be positive", decline_code="invalid_amount")
        token = None
        if save:
            token = f"sbx_{_LATER.get(card.pan, 'ok')}_{secrets.token_hex(12)}"
        return Approval(reference=f"sbx_auth_{secrets.token_hex(10)}", token=token)

    def charge_token(
        self, token: str, *, amount: int, currency: str, idempotency_key: str
    ) -> Approval:
        parts = token.split("_")
        if len(parts) != 3 or parts[0] != "sbx":
            raise PaymentDeclined("unknown card token", decline_code="invalid_token")
        behaviour = parts[1]
        if behaviour == "decline":
            raise PaymentDeclined("the card was declined", decline_code="card_declined")
        if behaviour == "retry" and idempotency_key.endswith(":1"):
            raise PaymentDeclined("the card was declined", decline_code="try_again_later")
        return Approval(reference=f"sbx_chg_{secrets.token_hex(10)}")

    def void(self, reference: str) -> None:
        self.voided.append(reference)
