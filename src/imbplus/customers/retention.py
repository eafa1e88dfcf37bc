"""Retention of customer records (P13): kept while the contract lasts, then N.

A customer whose every subscription has ended, the last one more than
`customer_retention_after_contract_days` ago, is erased through the erasure path
(`customers.service.erase`: every domain's hook, then crypto-shredding of the customer's
key), unless under a legal hold. What tax law makes us keep (invoices) is kept by the
billing hook under its own key, as for any erasure. One purge, three rules: the record holds
the name (identity), the e-mail and phone (contact) and the address, each named in the
schedule with its reason; whichever runs first erases, the others find nothing left.

A record that never had a contract (an account opened, nothing ordered) has no end of
contract to count from: it is erased when it has not changed for
`customer_without_contract_days`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Select, select

from imbplus.customers import contracts, service
from imbplus.customers.models import Customer
from imbplus.privacy import retention_rules
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Category
from imbplus.settings import Settings

_BASIS = (
    "contract (GDPR art. 6(1)(b)) while it lasts, then the limitation of claims from it "
    "(Kodeks cywilny art. 118: 3 years for claims of a business); erased after that"
)


def contract_ended_before(cutoff: datetime) -> Select[str]:
    """Ids of customers whose subscriptions all ended, the last one before `cutoff`."""
    return contracts.held().ended_before(cutoff)


def due(cutoff: datetime, held: frozenset[str]) -> Select[str]:
    """Customers past the rule: contract ended before the cutoff, not erased, not held."""
    stmt = select(Customer.id).where(
        Customer.status != "erased", Customer.id.in_(contract_ended_before(cutoff))
    )
    if held:
        stmt = stmt.where(Customer.id.not_in(sorted(held)))
    return stmt.order_by(Customer.id)


def never_contracted_before(cutoff: datetime, held: frozenset[str]) -> Select[str]:
    """Customers with no subscription ever, whose record has not changed since `cutoff`."""
    ordered = contracts.held().ever_had(Customer.id)
    stmt = select(Customer.id).where(
        Customer.status != "erased", ~ordered, Customer.updated_at < cutoff
    )
    if held:
        stmt = stmt.where(Customer.id.not_in(sorted(held)))
    return stmt.order_by(Customer.id)


def _eraser(select_due: Callable[[datetime, frozenset[str]], Select[str]]) -> retention_rules.Purge:
    def purge(ctx: Context, cutoff: datetime, held: frozenset[str], dry_run: bool) -> int:
        ids = list(ctx.session.execute(select_due(cutoff, held)).scalars())
        if not dry_run:
            for customer_id in ids:
                service.erase(ctx, customer_id)
        return len(ids)

    return purge


purge_closed = _eraser(due)


def _period(settings: Settings) -> timedelta:
    return timedelta(days=settings.customer_retention_after_contract_days)


for _category, _what in (
    (Category.IDENTITY, "name"),
    (Category.CONTACT, "e-mail address and phone number"),
    (Category.ADDRESS, "postal address"),
):
    retention_rules.register(
        retention_rules.Rule(
            name=f"customers.{_category.value}",
            category=_category,
            period=_period,
            legal_basis=_BASIS,
            description=f"The customer's {_what}: kept while the contract lasts, then "
            "erased with the whole record (crypto-shredding) after "
            "customer_retention_after_contract_days.",
            purge=purge_closed,
        )
    )

retention_rules.register(
    retention_rules.Rule(
        name="customers.without_contract",
        category=Category.IDENTITY,
        period=lambda s: timedelta(days=s.customer_without_contract_days),
        legal_basis="steps before a contract at the person's request (GDPR art. 6(1)(b)); "
        "with no contract made, nothing justifies keeping the record longer",
        description="A customer record that never had a subscription (name, contact, "
        "address), erased with the whole record when it has not changed for "
        "customer_without_contract_days.",
        purge=_eraser(never_contracted_before),
    )
)
