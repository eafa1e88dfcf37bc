"""Finding a customer by name without decrypting anyone's name (blind index of words).

A name is cut into words, each normalised (lower case, diacritics folded: "Łukasz
Żółć" -> "lukasz", "zolc") and stored as a keyed hash (HMAC-SHA256 with the blind-index
key of the keyring, like the e-mail and phone look-ups). A search hashes the words asked
for under every live key version and returns the customers whose name holds all of them;
only those rows are revealed, through the gate. The words are written when a customer is
created or renamed, by `imbplus customers reindex-names` for rows older than the index,
and again by key rotation when the blind-index key gets a new version.
"""

from __future__ import annotations

import re
import unicodedata
from contextlib import AbstractContextManager
from typing import Protocol

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from imbplus.customers.models import Customer, CustomerNameToken
from imbplus.privacy import rotation
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Purpose
from imbplus.privacy.crypto import Keyring


class Jobs(Protocol):
    """Units of work for a system job (the runtime has them)."""

    def job(self, name: str, purpose: Purpose) -> AbstractContextManager[Context]: ...


TABLE = "customers"
COLUMN = "name_token"  # the HMAC's domain: separate from the e-mail and phone digests
MAX_WORDS = 8  # a search uses at most this many words
_FOLD = str.maketrans({"ł": "l", "ß": "ss", "ø": "o", "đ": "d", "æ": "ae", "œ": "oe"})
_WORD = re.compile(r"[^\W_]+")


def words(name: str) -> list[str]:
    """The normalised words of a name, each once, in order ("Anna Nowak-Kowalska" ->
    ["anna", "nowak", "kowalska"])."""
    folded = unicodedata.normalize("NFKD", name.casefold().translate(_FOLD))
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    seen: dict[str, None] = {}
    for word in _WORD.findall(plain):
        seen.setdefault(word, None)
    return list(seen)


def _digests(keyring: Keyring, session: Session, name: str) -> list[bytes]:
    return [keyring.blind_index(session, TABLE, COLUMN, w) for w in words(name)]


def write(keyring: Keyring, session: Session, customer_id: str, name: str) -> None:
    """Replace the customer's words with those of `name` (under the active key version)."""
    session.execute(delete(CustomerNameToken).where(CustomerNameToken.customer_id == customer_id))
    rows = [{"customer_id": customer_id, "token_bidx": d} for d in _digests(keyring, session, name)]
    if rows:
        session.execute(insert(CustomerNameToken), rows)


def forget(session: Session, customer_id: str) -> None:
    """An erased customer leaves no word of their name behind."""
    session.execute(delete(CustomerNameToken).where(CustomerNameToken.customer_id == customer_id))


def matching(ctx: Context, query: str, limit: int) -> list[str]:
    """Ids of the customers (not erased) whose name holds every word of `query`, oldest
    first. Nothing is decrypted here."""
    asked = words(query)[:MAX_WORDS]
    if not asked:
        return []
    digests = [
        digest
        for word in asked
        for digest in ctx.keyring.blind_candidates(ctx.session, TABLE, COLUMN, word)
    ]
    found = (
        select(CustomerNameToken.customer_id)
        .where(CustomerNameToken.token_bidx.in_(digests))
        .group_by(CustomerNameToken.customer_id)
        .having(func.count(func.distinct(CustomerNameToken.token_bidx)) >= len(asked))
    )
    stmt = (
        select(Customer.id)
        .where(Customer.id.in_(found), Customer.status != "erased")
        .order_by(Customer.created_at, Customer.id)
        .limit(limit)
    )
    return list(ctx.session.execute(stmt).scalars())


def backfill(rt: Jobs, batch: int = 500) -> int:
    """Index the names of customers created before the index (idempotent: a customer with
    words already is skipped). Each batch is its own unit of work; the names are revealed
    to be hashed, never shown (a write, like key rotation). Returns how many were indexed."""
    done, after = 0, ""
    while True:
        with rt.job("name_index", Purpose.SECURITY) as ctx:
            rows = _unindexed(ctx.session, after, batch)
            if not rows:
                return done
            opened = ctx.reveal_rows(
                Customer,
                rows,
                ("name_ct",),
                operation="customer.name_index",
                subjects=[None],
                action=Action.WRITE,
            )
            for row, (name,) in zip(rows, opened, strict=True):
                write(ctx.keyring, ctx.session, row.id, name)
            after, done = rows[-1].id, done + len(rows)


def _unindexed(session: Session, after: str, limit: int) -> list[Customer]:
    """Customers (not erased) after `after` (by id) with no word indexed yet."""
    indexed = select(CustomerNameToken.customer_id)
    stmt = (
        select(Customer)
        .where(Customer.status != "erased", Customer.name_ct.is_not(None), Customer.id > after)
        .where(Customer.id.not_in(indexed))
        .order_by(Customer.id)
        .limit(limit)
    )
    return list(session.execute(stmt).scalars())


def _rewrite(ctx: Context, customer_id: str, name: str) -> None:
    write(ctx.keyring, ctx.session, customer_id, name)


rotation.on_blind_rotation("customers", "name_ct", _rewrite)
