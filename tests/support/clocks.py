"""The instant the test run's clock starts at (see `pytest_configure` in conftest)."""

from __future__ import annotations

from datetime import UTC, datetime

# A Wednesday in mid-month at noon UTC: far from midnight, month ends and year ends.
FIXED_NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
