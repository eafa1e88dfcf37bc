"""Whole numbers that reach the database, bounded in their schema.

An unbounded `int` parameter turns a long number in a URL or a body into a 500: SQLite
refuses a Python int of 2**63 or more with an OverflowError, and PostgreSQL refuses a value
outside the column's type (`Integer` is 32 bits there, `BigInteger` 64). Every id, cursor,
count, limit and offset a caller sends is declared with one of these types (or narrower
bounds of its own) matching the column it is compared with, so an out-of-range value is a
422 that names the field before any query runs.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1

RowId = Annotated[int, Field(ge=1, le=INT32_MAX)]
"""The id of a row whose key is an `Integer` column (serial: starts at 1)."""

SeqNo = Annotated[int, Field(ge=1, le=INT64_MAX)]
"""A `BigInteger` sequence number: the audit trail's `seq`."""

Flag = Annotated[int, Field(ge=0, le=1)]
"""A 0/1 marker a redirect adds to a URL (`?saved=1`)."""
