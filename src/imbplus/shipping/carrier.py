"""Carrier adapter: one interface and a local sandbox (the carrier is a processor, P04).

The carrier receives exactly what delivery needs: recipient name, address and parcel id
(the caller records that hand-over in the disclosure register). A real carrier's API
implements `Carrier`; `SandboxCarrier` answers locally and keeps nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


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

    def register_parcel(self, parcel: CarrierParcel) -> str:
        """Announce a parcel; returns the carrier's tracking reference."""
        ...


class SandboxCarrier:
    def __init__(self, processor_id: str) -> None:
        self.processor_id = processor_id

    def register_parcel(self, parcel: CarrierParcel) -> str:
        return f"SBX-{parcel.parcel_id}"


def carrier_for(processor_id: str) -> Carrier:
    return SandboxCarrier(processor_id)
