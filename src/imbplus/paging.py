"""Keyset paging shared by the domains: opaque cursors over (created_at, id)."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import InstrumentedAttribute

from imbplus.clock import us_to_datetime
from imbplus.errors import ValidationFailed


def is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def encode_cursor(created_at: datetime, row_id: str) -> str:
    raw = f"{int(created_at.timestamp() * 1_000_000)}|{row_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        stamp, _, row_id = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        if not is_uuid(row_id):
            raise ValueError
        return us_to_datetime(int(stamp)), row_id
    except (ValueError, UnicodeDecodeError, OverflowError, OSError):  # out-of-range stamps
        raise ValidationFailed(
            [{"field": "cursor", "problem": "not a cursor from a previous page"}]
        ) from None


class Keyed(Protocol):
    """A row a page is ordered by: its creation time, then its id."""

    @property
    def created_at(self) -> datetime: ...

    @property
    def id(self) -> str: ...


R = TypeVar("R", bound=Keyed)
S = TypeVar("S", bound=Select[Any])


def after_cursor(
    stmt: S,
    created_at: InstrumentedAttribute[datetime],
    row_id: InstrumentedAttribute[str],
    cursor: str | None,
) -> S:
    """The rows after the cursor's (created_at, id), when there is a cursor (the statement is
    ordered by the same two columns and reads one row more than the page)."""
    if not cursor:
        return stmt
    after_ts, after_id = decode_cursor(cursor)
    after = or_(created_at > after_ts, and_(created_at == after_ts, row_id > after_id))
    return stmt.where(after)


def split_page(rows: Sequence[R], limit: int) -> tuple[list[R], str | None]:
    """The page out of the `limit + 1` rows read, and the cursor of the next page (None on
    the last one)."""
    page = list(rows[:limit])
    more = len(rows) > limit and bool(page)
    return page, encode_cursor(page[-1].created_at, page[-1].id) if more else None
