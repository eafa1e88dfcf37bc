"""Amendments of shipment records (P09): the original stays, corrections are added.

Only the kinds the Customer Agreement allows (setting `shipment_amendment_kinds`) are
accepted, each with a reason and its author; values are encrypted under the record's
retention key, rows are append-only (database triggers).
"""

from __future__ import annotations

import json
import uuid

from imbplus.clock import clock
from imbplus.errors import ValidationFailed
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action
from imbplus.privacy.crypto import key_ref
from imbplus.shipping import anchors, service
from imbplus.shipping.models import ShipmentAmendment
from imbplus.shipping.schemas import AmendmentCreate, AmendmentRead

TABLE = "shipment_amendments"
VALUE_OF_KIND = {"recipient_name_correction": "name", "address_correction": "address"}


def amend(ctx: Context, shipment_id: str, data: AmendmentCreate) -> AmendmentRead:
    ctx = service.for_shipment(ctx)
    allowed = ctx.platform.settings.shipment_amendment_kinds
    if data.kind not in allowed:
        raise ValidationFailed(
            [
                {
                    "field": "kind",
                    "problem": "not a kind of amendment the Customer Agreement allows "
                    f"(allowed: {', '.join(allowed)})",
                }
            ]
        )
    wanted = VALUE_OF_KIND.get(data.kind, "note")
    if getattr(data, wanted) is None:
        raise ValidationFailed([{"field": wanted, "problem": f"required for {data.kind}"}])
    row = service._load(ctx, shipment_id, lock=True)
    ctx.check(
        Action.WRITE, {service.RECORD}, operation="shipment.amend", subjects=[row.customer_id]
    )
    value = data.model_dump(include={wanted}, mode="json")
    key_id = key_ref(row.recipient_name_ct or b"")[0]
    aid = str(uuid.uuid4())
    now = clock.now()
    seal = ctx.keyring.seal
    amendment = ShipmentAmendment(
        id=aid,
        shipment_id=row.id,
        kind=data.kind,
        value_ct=seal(ctx.session, key_id, TABLE, "value_ct", aid, json.dumps(value)),
        reason_ct=seal(ctx.session, key_id, TABLE, "reason_ct", aid, data.reason),
        author=ctx.actor.label,
        at=now,
    )
    ctx.session.add(amendment)
    ctx.session.flush()
    ctx.note(anchors.AMENDED, subject=row.customer_id, reason=anchors.amendment_reason(amendment))
    return AmendmentRead(
        id=aid, kind=data.kind, reason=data.reason, author=ctx.actor.label, at=now, **value
    )
