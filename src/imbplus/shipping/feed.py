"""The carrier's feed (P04): the parcels it must deliver, with the least address data
delivery needs (recipient name, street, postal code, city, parcel id), read by the carrier
itself with its own credential, for `service_delivery`.

The gate decides for the carrier first (its credential's and contract's scope must hold
shipment_record:service_delivery, or it gets 403, audited), then each parcel is handed over
as the other processor flows do: the feed (`system:processor_feed`) may export the record,
the carrier may receive it, and the disclosure register gets one row per parcel.
"""

from __future__ import annotations

from sqlalchemy import select

from imbplus.privacy import disclosure
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Action, Category
from imbplus.shipping import service
from imbplus.shipping.models import Shipment
from imbplus.shipping.schemas import ParcelToDeliver

FIELDS = ("parcel_id", "name", "street", "postal_code", "city")
TO_DELIVER = ("handed_over", "in_transit")
RECORD = {Category.SHIPMENT_RECORD}
JOB = "processor_feed"


def to_deliver(
    ctx: Context, carrier: disclosure.ProcessorInfo, *, limit: int = 100
) -> list[ParcelToDeliver]:
    """The carrier's parcels on their way, oldest first; `ctx` is the carrier's own."""
    ctx.check(Action.READ, RECORD, operation="feed.shipments")
    rows = ctx.session.execute(
        select(Shipment)
        .where(Shipment.carrier == carrier.id, Shipment.status.in_(TO_DELIVER))
        .order_by(Shipment.created_at, Shipment.id)
        .limit(limit)
    ).scalars()
    handing = Context(ctx.session, ctx.platform, Actor.system(JOB), ctx.purpose, ctx.request_id)
    out = []
    for row in rows:
        allowed = disclosure.allow(
            handing,
            carrier,
            categories=RECORD,
            fields=FIELDS,
            subject=row.customer_id,
            reference=f"shipment:{row.id}",
        )
        grant = ctx.check(
            Action.READ, RECORD, operation="feed.shipment", subjects=[row.customer_id]
        )
        recipient = service.delivery_recipient(grant, row)
        disclosure.record(handing, allowed, sandbox=False)
        out.append(
            ParcelToDeliver(
                shipment_id=row.id, parcel_id=row.parcel_id, status=row.status, recipient=recipient
            )
        )
    return out
