"""The contracts the shop holds (subscriptions), as the retention rules that count from the
end of a contract read them (`customers.contracts`: the customer's record, saved cards, P13)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Select, case, exists, func, select
from sqlalchemy.orm import InstrumentedAttribute

from imbplus.customers import contracts
from imbplus.shop.models import Subscription


def ended_before(cutoff: datetime) -> Select[str]:
    """Ids of customers whose subscriptions all ended, the last one before `cutoff`."""
    running = func.sum(case((Subscription.ended_at.is_(None), 1), else_=0))
    return (
        select(Subscription.customer_id)
        .group_by(Subscription.customer_id)
        .having(running == 0, func.max(Subscription.ended_at) < cutoff)
    )


def ever_had(customer_id: InstrumentedAttribute[str]) -> ColumnElement[bool]:
    """True where the customer ever had a subscription."""
    return exists(select(Subscription.id).where(Subscription.customer_id == customer_id))


contracts.provide(contracts.Contracts(ended_before, ever_had))
