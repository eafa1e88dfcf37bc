"""The marketing part of the subject's copy (B01): objections and campaigns received."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from imbplus.marketing import objections
from imbplus.marketing.models import Campaign, CampaignRecipient
from imbplus.privacy import exports
from imbplus.privacy.access import Context


def _export(ctx: Context, customer_id: str) -> dict[str, Any]:
    received = ctx.session.execute(
        select(Campaign.name, CampaignRecipient.queued_at)
        .join(Campaign, Campaign.id == CampaignRecipient.campaign_id)
        .where(CampaignRecipient.customer_id == customer_id)
        .order_by(CampaignRecipient.queued_at)
    ).all()
    return {
        "objections": [
            {
                "objected_at": o.objected_at.isoformat(),
                "channel": o.channel,
                "withdrawn_at": o.withdrawn_at.isoformat() if o.withdrawn_at else None,
            }
            for o in objections.history(ctx.session, customer_id)
        ],
        "campaigns_received": [
            {"campaign": name, "queued_at": at.isoformat()} for name, at in received
        ],
    }


exports.register_export("marketing", _export)
