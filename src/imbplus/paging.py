"""Keyset paging shared by the domains: opaque cursors over (created_at, id)."""

from __future__ import annotations

import base64
import uuid
from datetime import datetime

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
