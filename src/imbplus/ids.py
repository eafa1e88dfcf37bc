"""Random ids (UUID4 text). Checked before a lookup, so a malformed id is a plain 404 and
never reaches the database (PostgreSQL refuses NUL bytes in text, for one)."""

from __future__ import annotations

import re

# the pattern of an id in a path or a form field (pydantic `pattern=UUID`)
UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
_UUID = re.compile(UUID)


def is_uuid(value: str) -> bool:
    return bool(_UUID.match(value))
