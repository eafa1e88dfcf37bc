"""Data-subject rights (B01) that span domains. Erasure: each domain forgets what it holds
about the person, then the customer's data key is destroyed."""

from __future__ import annotations

from imbplus.privacy.access import Context


def erase_customer(ctx: Context, customer_id: str) -> None:
    from imbplus.customers import service as customers
    from imbplus.devices import service as devices

    devices.forget_customer(ctx, customer_id)  # boxes, telemetry link, STB secrets
    customers.erase(ctx, customer_id)
