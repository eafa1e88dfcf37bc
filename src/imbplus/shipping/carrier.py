"""Carrier adapter: one interface, chosen by `IMBPLUS_CARRIER_ADAPTER` (the carrier is a
processor, P04).

The carrier receives exactly what delivery needs: recipient name, address and parcel id.
`announce` hands them over once the gate allowed it and records the hand-over with the
carrier's tracking reference, as sandboxed when the adapter is a sandbox. A real carrier's
API implements `Carrier` and is added to `CARRIERS`; `sandbox` (`shipping/sandbox.py`)
answers locally and keeps nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from imbplus.privacy import disclosure
from imbplus.privacy.access import Context
from imbplus.processors.adapters import Registry
from imbplus.settings import Settings

PARCEL_FIELDS = ("name", "street", "postal_code", "city", "parcel_id")


@dataclass(frozen=True)
class CarrierParcel:
    parcel_id: str
    name: str
    street: str
    postal_code: str
    city: str

    def __repr__(self) -> str:  # never the address in a log line or traceback
        return f"CarrierParcel({self.parcel_id})"


class Carrier(Protocol):
    processor_id: str

    @property
    def sandbox(self) -> bool: ...

    def register_parcel(self, parcel: CarrierParcel) -> str:
        """Announce a parcel; returns the carrier's tracking reference."""
        ...


def _sandbox(settings: Settings) -> Carrier:
    from imbplus.shipping.sandbox import SandboxCarrier

    return SandboxCarrier(settings.carrier_processor)


CARRIERS: Registry[Carrier] = Registry(
    "carrier",
    setting="carrier_adapter",
    processor_setting="carrier_processor",
    implementations={"sandbox": _sandbox},
)


def announce(ctx: Context, allowed: disclosure.Allowed, parcel: CarrierParcel) -> str:
    """Hand the parcel to the configured carrier; the register row stays even if the unit
    of work then fails, because the data has left."""
    carrier = CARRIERS.create(ctx.platform.settings)
    tracking = carrier.register_parcel(parcel)
    disclosure.record(
        ctx, allowed, sandbox=carrier.sandbox, processor_ref=tracking, keep_on_rollback=True
    )
    return tracking
