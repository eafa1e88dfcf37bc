"""Adapters to processors, chosen by settings (P04).

Each kind of processor that a step hands data to (SMS gateway, carrier, payment provider)
has one interface, a registry of its implementations by name and a setting that picks one
(`IMBPLUS_SMS_ADAPTER`, `IMBPLUS_CARRIER_ADAPTER`, `IMBPLUS_PAYMENT_ADAPTER`). Code that
needs an adapter asks its registry, never a class by name.

A *sandbox* implementation answers locally: nothing leaves this machine. Its hand-overs are
recorded as sandboxed (never as handed over), and `imbplus serve` refuses to start with one
unless told to. A real implementation must not hand data over under a sandbox processor's
contract: that would record a real hand-over against a contract that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Generic, Protocol, TypeVar

from imbplus.errors import ConfigurationError
from imbplus.processors.service import SANDBOX
from imbplus.settings import Settings

SANDBOX_NAME = "sandbox"  # the name of the sandbox implementation in every registry


class Adapter(Protocol):
    @property
    def sandbox(self) -> bool:
        """True when nothing leaves this machine (a local stand-in for the processor)."""
        ...


A = TypeVar("A", bound=Adapter)


class Registry(Generic[A]):
    """The implementations of one kind of adapter, by name; a setting selects one."""

    def __init__(
        self,
        kind: str,
        *,
        setting: str,
        processor_setting: str,
        implementations: Mapping[str, Callable[[Settings], A]],
    ) -> None:
        for name in (setting, processor_setting):
            if name not in Settings.model_fields:
                raise ValueError(f"no setting {name}")
        if SANDBOX_NAME not in implementations:
            raise ValueError(f"the {kind} registry has no {SANDBOX_NAME} implementation")
        self.kind = kind
        self.setting = setting
        self.processor_setting = processor_setting
        self.implementations = dict(implementations)

    @property
    def env(self) -> str:
        """The environment variable that selects the implementation."""
        return f"IMBPLUS_{self.setting.upper()}"

    def selected(self, settings: Settings) -> str:
        return str(getattr(settings, self.setting))

    def create(self, settings: Settings) -> A:
        """The selected adapter; ConfigurationError when it is unknown or misconfigured."""
        name = self.selected(settings)
        build = self.implementations.get(name)
        if build is None:
            raise ConfigurationError(
                f"unknown {self.kind} adapter in {self.env} "
                f"(one of {', '.join(sorted(self.implementations))})",
                setting=self.env,
                choices=", ".join(sorted(self.implementations)),
            )
        adapter = build(settings)
        processor_id = str(getattr(settings, self.processor_setting))
        if not adapter.sandbox and processor_id in SANDBOX:
            processor_env = f"IMBPLUS_{self.processor_setting.upper()}"
            raise ConfigurationError(
                f"the {self.kind} adapter {name} is real, but the processor it hands data to "
                f"is the sandbox {processor_id}: register the contracted processor "
                f"(imbplus processors register) and name it in {processor_env}",
                setting=processor_env,
            )
        return adapter
