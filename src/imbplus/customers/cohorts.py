"""Customers as ids and dates, for counting and choosing audiences (nothing personal)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from imbplus.customers.models import Customer
from imbplus.privacy.access import Context


def active_joined(ctx: Context) -> list[tuple[str, datetime]]:
    """(id, created) of every active customer, oldest first (not personal data)."""
    rows = ctx.session.execute(
        select(Customer.id, Customer.created_at)
        .where(Customer.status == "active")
        .order_by(Customer.created_at, Customer.id)
    ).all()
    return [(row.id, row.created_at) for row in rows]
