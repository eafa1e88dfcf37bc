"""Customer operations. Every personal value passes the gate before it is decrypted."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from imbplus.clock import clock
from imbplus.customers import names
from imbplus.customers import validation as v
from imbplus.customers.models import Customer
from imbplus.customers.schemas import (
    Address,
    CustomerCreate,
    CustomerListItem,
    CustomerPage,
    CustomerRead,
    CustomerSearch,
    CustomerUpdate,
)
from imbplus.errors import Conflict, Erased, NotFound, ValidationFailed
from imbplus.paging import after_cursor, is_uuid, split_page
from imbplus.perf import gc_paused
from imbplus.privacy import erasure, erasure_journal
from imbplus.privacy.access import Context, Platform
from imbplus.privacy.catalog import Action, Category
from imbplus.privacy.crypto import SCOPE_CUSTOMER
from imbplus.privacy.erasure import ErasureReport
from imbplus.privacy.reveal import Grant

TABLE = "customers"
FIELDS: dict[str, Category] = {
    "name": Category.IDENTITY,
    "email": Category.CONTACT,
    "phone": Category.CONTACT,
    "street": Category.ADDRESS,
    "postal_code": Category.ADDRESS,
    "city": Category.ADDRESS,
}
ALL_CATEGORIES = frozenset(FIELDS.values())
LIST_FIELDS = ("name", "email", "phone")
LIST_CATEGORIES = frozenset(FIELDS[f] for f in LIST_FIELDS)
MAX_PAGE = 100


def _seal(ctx: Context, row: Customer, field: str, value: str) -> None:
    column = f"{field}_ct"
    setattr(row, column, ctx.keyring.seal(ctx.session, row.key_id, TABLE, column, row.id, value))
    if field in ("email", "phone"):
        setattr(row, f"{field}_bidx", ctx.keyring.blind_index(ctx.session, TABLE, field, value))


_ALL_COLUMNS = tuple(f"{f}_ct" for f in FIELDS)
_LIST_COLUMNS = tuple(f"{f}_ct" for f in LIST_FIELDS)
_READ_LIST: TypeAdapter[list[CustomerRead]] = TypeAdapter(list[CustomerRead])


def _read_dict(row: Any, values: Sequence[str]) -> dict[str, Any]:
    name, email, phone, street, postal_code, city = values
    return {
        "id": row.id,
        "name": name,
        "email": email,
        "phone": phone,
        "address": {"street": street, "postal_code": postal_code, "city": city},
        "status": row.status,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }


def _read_model(grant: Grant, row: Customer) -> CustomerRead:
    return CustomerRead.model_validate(_read_dict(row, grant.reveal(Customer, row, _ALL_COLUMNS)))


def _list_item(row: Any, values: Sequence[str]) -> CustomerListItem:
    name, email, phone = values
    return CustomerListItem(
        id=row.id,
        name=v.mask_name(name),
        email=v.mask_email(email),
        phone=v.mask_phone(phone),
        status=row.status,
        created_at=row.created_at,
    )


def _load(ctx: Context, customer_id: str) -> Customer:
    row = ctx.session.get(Customer, customer_id) if is_uuid(customer_id) else None
    if row is None:
        raise NotFound("no customer with this id", customer=customer_id[:64])
    if row.status == "erased":
        raise Erased("this customer's personal data was erased", customer=row.id)
    return row


def _email_taken(ctx: Context, email: str, except_id: str | None = None) -> bool:
    digests = ctx.keyring.blind_candidates(ctx.session, TABLE, "email", email)
    stmt = select(Customer.id).where(Customer.email_bidx.in_(digests))
    if except_id:
        stmt = stmt.where(Customer.id != except_id)
    return ctx.session.execute(stmt.limit(1)).first() is not None


def _flush_unique(ctx: Context) -> None:
    try:
        with ctx.session.begin_nested():
            ctx.session.flush()
    except IntegrityError:
        raise Conflict("a customer with this e-mail already exists", field="email") from None


def create(ctx: Context, data: CustomerCreate) -> CustomerRead:
    customer_id = str(uuid.uuid4())
    ctx.check(Action.WRITE, ALL_CATEGORIES, operation="customer.create", subjects=[customer_id])
    if _email_taken(ctx, data.email):
        raise Conflict("a customer with this e-mail already exists", field="email")
    now = clock.now()
    key_id = ctx.keyring.create(ctx.session, SCOPE_CUSTOMER, owner_ref=customer_id)
    row = Customer(
        id=customer_id, key_id=key_id, status="active", version=1, created_at=now, updated_at=now
    )
    values = {
        "name": data.name,
        "email": data.email,
        "phone": data.phone,
        "street": data.address.street,
        "postal_code": data.address.postal_code,
        "city": data.address.city,
    }
    for field, value in values.items():
        _seal(ctx, row, field, value)
    ctx.session.add(row)
    _flush_unique(ctx)
    names.write(ctx.keyring, ctx.session, row.id, data.name)
    return CustomerRead(
        id=row.id,
        name=data.name,
        email=data.email,
        phone=data.phone,
        address=Address(**data.address.model_dump()),
        status=row.status,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def get(ctx: Context, customer_id: str) -> CustomerRead:
    # decided before the look-up: a refused caller does not learn whether the id exists
    grant = ctx.check(
        Action.READ, ALL_CATEGORIES, operation="customer.read", subjects=[customer_id]
    )
    return _read_model(grant, _load(ctx, customer_id))


def update(ctx: Context, customer_id: str, patch: CustomerUpdate) -> CustomerRead:
    changes: dict[str, str] = {
        k: val
        for k, val in patch.model_dump(exclude_unset=True, exclude={"address"}).items()
        if val is not None
    }
    if patch.address is not None:
        changes.update(
            {
                k: val
                for k, val in patch.address.model_dump(exclude_unset=True).items()
                if val is not None
            }
        )
    if not changes:
        raise ValidationFailed([{"field": "body", "problem": "nothing to change"}])
    ctx.check(
        Action.WRITE,
        {FIELDS[f] for f in changes},
        operation="customer.update",
        subjects=[customer_id],
    )
    grant = ctx.check(
        Action.READ, ALL_CATEGORIES, operation="customer.read", subjects=[customer_id]
    )
    row = _load(ctx, customer_id)
    if "email" in changes and _email_taken(ctx, changes["email"], except_id=row.id):
        raise Conflict("a customer with this e-mail already exists", field="email")
    for field, value in changes.items():
        _seal(ctx, row, field, value)
    row.version += 1
    row.updated_at = clock.now()
    _flush_unique(ctx)
    if "name" in changes:
        names.write(ctx.keyring, ctx.session, row.id, changes["name"])
    return _read_model(grant, row)


def list_page(ctx: Context, *, limit: int = 50, cursor: str | None = None) -> CustomerPage:
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationFailed([{"field": "limit", "problem": f"between 1 and {MAX_PAGE}"}])
    stmt = (
        select(Customer)
        .where(Customer.status != "erased")
        .order_by(Customer.created_at, Customer.id)
        .limit(limit + 1)
    )
    stmt = after_cursor(stmt, Customer.created_at, Customer.id, cursor)
    page, next_cursor = split_page(list(ctx.session.execute(stmt).scalars()), limit)
    return CustomerPage(
        items=reveal_list(ctx, page, operation="customer.list"), next_cursor=next_cursor
    )


def reveal_list(
    ctx: Context, rows: Sequence[Customer], *, operation: str
) -> list[CustomerListItem]:
    """Masked list items; one gate decision, one audit record per customer shown."""
    if not rows:
        return []
    with gc_paused():
        opened = ctx.reveal_rows(
            Customer, rows, _LIST_COLUMNS, operation=operation, subjects=[r.id for r in rows]
        )
        return [_list_item(r, values) for r, values in zip(rows, opened, strict=True)]


def reveal_many(ctx: Context, rows: Sequence[Any], *, operation: str) -> list[CustomerRead]:
    """Full records for many customers; `rows` are ORM objects or Core rows."""
    if not rows:
        return []
    with gc_paused():
        opened = ctx.reveal_rows(
            Customer, rows, _ALL_COLUMNS, operation=operation, subjects=[r.id for r in rows]
        )
        return _READ_LIST.validate_python(
            [_read_dict(r, values) for r, values in zip(rows, opened, strict=True)]
        )


def read_many(
    ctx: Context, ids: Sequence[str] | None = None, *, operation: str = "customer.read"
) -> list[CustomerRead]:
    """Bulk read (exports, jobs): a Core query, one gate decision, one audit record each."""
    table = Customer.__table__
    stmt = select(table).where(table.c.status != "erased").order_by(table.c.created_at)
    if ids is not None:
        stmt = stmt.where(table.c.id.in_(list(ids)))
    return reveal_many(ctx, ctx.session.execute(stmt).all(), operation=operation)


def search(ctx: Context, query: CustomerSearch) -> list[CustomerListItem]:
    """Exact match on e-mail or phone, every word of a name (blind indexes), or the customer
    number; decided before the look-up, and only the rows found are decrypted."""
    ctx.check(Action.READ, LIST_CATEGORIES, operation="customer.search")
    stmt = select(Customer).where(Customer.status != "erased")
    if query.id is not None:
        stmt = stmt.where(Customer.id == query.id)
    elif query.name is not None:
        stmt = stmt.where(Customer.id.in_(names.matching(ctx, query.name, MAX_PAGE)))
    else:
        field, value = ("email", query.email) if query.email else ("phone", query.phone)
        assert value is not None
        column = Customer.email_bidx if field == "email" else Customer.phone_bidx
        digests = ctx.keyring.blind_candidates(ctx.session, TABLE, field, value)
        stmt = stmt.where(column.in_(digests))
    stmt = stmt.order_by(Customer.created_at, Customer.id).limit(MAX_PAGE)
    rows = list(ctx.session.execute(stmt).scalars())
    return reveal_list(ctx, rows, operation="customer.search")


# -- for other domains (they never read the customers table themselves) -------------------
def data_key_id(ctx: Context, customer_id: str) -> int:
    """The customer's own data key: other domains encrypt the customer's data under it, so
    erasing the customer (destroying the key) erases those copies too."""
    return _load(ctx, customer_id).key_id


def erased_ids(session: Session) -> list[str]:
    """Ids of erased customers (ids only: what backups and their restores need)."""
    return list(session.execute(select(Customer.id).where(Customer.status == "erased")).scalars())


def status_of(ctx: Context, customer_id: str) -> str:
    """active, suspended or erased (not personal data; no gate decision needed)."""
    row = ctx.session.get(Customer, customer_id) if is_uuid(customer_id) else None
    if row is None:
        raise NotFound("no customer with this id", customer=customer_id[:64])
    return row.status


def id_for_login(rt: Platform, session: Session, email: str) -> str | None:
    """The customer id for a portal login e-mail, or None. Blind-index lookup only: nothing is
    decrypted or revealed, and the person asking is the data subject logging in."""
    try:
        normalized = v.email(email)
    except ValueError:
        return None
    digests = rt.keyring.blind_candidates(session, TABLE, "email", normalized)
    row = session.execute(
        select(Customer.id).where(Customer.email_bidx.in_(digests), Customer.status == "active")
    ).first()
    return row[0] if row else None


def erase(ctx: Context, customer_id: str) -> ErasureReport:
    """Erase a customer: every domain's hook, then crypto-shredding of the customer's key
    and removal of the ciphertexts. The id goes to the erasure journal, so that restoring
    an older backup (which still holds the wrapped key) erases the customer again."""
    ctx.check(Action.DELETE, ALL_CATEGORIES, operation="customer.erase", subjects=[customer_id])
    row = _load(ctx, customer_id)
    report = ErasureReport(customer_id)
    for name, hook in erasure.hooks().items():
        report.kept.extend(hook(ctx, customer_id))
        report.erased.append(name)
    ctx.keyring.shred(ctx.session, row.key_id)
    for column in (*_ALL_COLUMNS, "email_bidx", "phone_bidx"):
        setattr(row, column, None)
    names.forget(ctx.session, customer_id)
    row.status = "erased"
    row.version += 1
    row.updated_at = clock.now()
    report.erased.append("customers")
    ctx.session.flush()
    erasure_journal.record(ctx.session, customer_id)
    ctx.note(
        "customer.erased",
        subject=customer_id,
        reason=f"kept={len(report.kept)} domains={','.join(report.erased)}",
    )
    return report


def emails(ctx: Context, customer_ids: Sequence[str], *, operation: str) -> dict[str, str]:
    """E-mail addresses of many customers for sending them a message (one gate decision,
    one audit record per customer). Erased or unknown customers are left out."""
    if not customer_ids:
        return {}
    grant = ctx.check(
        Action.READ, {Category.CONTACT}, operation=operation, subjects=list(customer_ids)
    )
    table = Customer.__table__
    found: dict[str, str] = {}
    for start in range(0, len(customer_ids), 5000):
        rows = ctx.session.execute(
            select(table.c.id, table.c.key_id, table.c.email_ct).where(
                table.c.id.in_(list(customer_ids[start : start + 5000])),
                table.c.status != "erased",
                table.c.email_ct.is_not(None),
            )
        ).all()
        opened = grant.reveal_rows(Customer, rows, ("email_ct",))
        found.update((row.id, email) for row, (email,) in zip(rows, opened, strict=True))
    return found


def active_ids(ctx: Context, *, limit: int | None = None) -> list[str]:
    """Ids of active customers, oldest first (ids and status are not personal data)."""
    stmt = select(Customer.id).where(Customer.status == "active").order_by(Customer.created_at)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(ctx.session.execute(stmt).scalars())


def postal_codes(
    ctx: Context, *, operation: str, leave_out: Collection[str] = ()
) -> list[tuple[str, str, datetime]]:
    """(id, postal code, created) of every active customer but those `leave_out` names, for
    an anonymized release (P06): one gate decision for their address, one audit record per
    customer."""
    table = Customer.__table__
    rows = ctx.session.execute(
        select(table.c.id, table.c.key_id, table.c.postal_code_ct, table.c.created_at)
        .where(table.c.status == "active", table.c.id.not_in(list(leave_out)))
        .order_by(table.c.created_at, table.c.id)
    ).all()
    opened = ctx.reveal_rows(
        Customer,
        rows,
        ("postal_code_ct",),
        operation=operation,
        subjects=[row.id for row in rows],
        empty="",
    )
    return [(row.id, code, row.created_at) for row, (code,) in zip(rows, opened, strict=True)]
