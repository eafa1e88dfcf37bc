"""The carrier sandbox: a local stand-in for the carrier's API. Nothing leaves this
machine; it keeps nothing. Chosen with `IMBPLUS_CARRIER_ADAPTER=sandbox` (the demo and the
tests); only `carrier.CARRIERS` imports it."""

from __future__ import annotations

from imbplus.shipping.carrier import CarrierParcel


class SandboxCarrier:
    sandbox = True

    def __init__(self, processor_id: str) -> None:
        self.processor_id = processor_id

    def register_parcel(self, parcel: CarrierParcel) -> str:
        return f"SBX-{parcel.parcel_id}"
