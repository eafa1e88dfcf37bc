"""Retention of the notification outbox (P13): every message goes after a month.

A message is dropped of its recipient and text once sent; the row that remains (who,
which category, when), any message that ended unsent (dropped, cancelled) and any message
still pending (its delivery failed again and again) are deleted `outbox_retention_days`
after it was queued: a notice not delivered within that time is no longer worth sending,
and its recipient and text must not wait in the outbox for ever.

The outbox holds contact data for the portal and surveys and shipment contact data for
shipment notices; each row names its category, and each category has its rule.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import ColumnElement

from imbplus.notify.models import OutboxMessage
from imbplus.privacy import retention_rules
from imbplus.privacy.catalog import Category


def expired(category: Category, cutoff: datetime, held: frozenset[str]) -> ColumnElement[bool]:
    old = (OutboxMessage.category == category.value) & (OutboxMessage.created_at < cutoff)
    if held:
        old = old & OutboxMessage.customer_id.not_in(sorted(held))
    return old


for _category, _why in (
    (Category.CONTACT, "portal, survey and policy e-mails"),
    (Category.SHIPMENT_CONTACT, "shipment notices by e-mail and SMS (P08)"),
):
    retention_rules.register(
        retention_rules.Rule(
            name=f"notify.outbox.{_category.value}",
            category=_category,
            period=lambda s: timedelta(days=s.outbox_retention_days),
            legal_basis="delivery of the message only (GDPR art. 5(1)(e)); a month to "
            "answer questions about its delivery",
            description=f"Outbox messages, sent or not: {_why}, outbox_retention_days "
            "after they were queued.",
            purge=retention_rules.purge_rows(
                OutboxMessage, partial(expired, _category), _category, "outbox.purge"
            ),
        )
    )
