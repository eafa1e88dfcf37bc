"""The customer record's fields of some categories only: an authority's approved scope
(P07) is read without the rest of the record."""

from __future__ import annotations

from imbplus.customers.models import Customer
from imbplus.customers.service import FIELDS, _load
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category


def fields_of(ctx: Context, cid: str, cats: set[Category], *, reason: str) -> dict[str, str]:
    """Only the fields of `cats`, decided (and audited) first."""
    wanted = [f for f, c in FIELDS.items() if c in cats]
    grant = ctx.check(
        Action.READ, cats, operation="customer.read_scope", subjects=[cid], reason=reason
    )
    values = grant.reveal(Customer, _load(ctx, cid), [f"{f}_ct" for f in wanted], empty="")
    return dict(zip(wanted, values, strict=True))
