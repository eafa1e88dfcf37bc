"""The processor adapters these settings select, and which of them are sandboxes."""

from __future__ import annotations

from typing import Any

from imbplus.processors.adapters import Registry
from imbplus.settings import Settings


def adapter_registries() -> list[Registry[Any]]:
    """Every kind of processor adapter a setting selects."""
    from imbplus.billing.provider import PROVIDERS
    from imbplus.notify.senders import SMS
    from imbplus.shipping.carrier import CARRIERS

    return [SMS, CARRIERS, PROVIDERS]


def sandboxes(settings: Settings) -> list[Registry[Any]]:
    """The registries whose selected adapter is a sandbox (each one is built, so a broken
    adapter configuration is refused here, before the server starts)."""
    return [r for r in adapter_registries() if r.create(settings).sandbox]
