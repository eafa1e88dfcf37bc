"""The one clock. Tests move it to exercise expiry, retention and sealing.

Tests start every case at one fixed instant (`start_at`), so that nothing depends on the
time of day the suite runs at; the clock then ticks with the wall clock. A process started
by a test (a server, a CLI command) inherits the shift through `IMBPLUS_CLOCK_OFFSET_S`, so
both sides agree on "now". Production never sets it; `imbplus serve` names it when it is.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

OFFSET_ENV = "IMBPLUS_CLOCK_OFFSET_S"
# The operator's calendar: order days, invoice dates, billing months and the dates people
# read are days in Poland, not in UTC (an order at 00:30 in Warsaw is placed on that day).
LOCAL_ZONE = ZoneInfo("Europe/Warsaw")


def local_day(at: datetime) -> date:
    """The day in Poland at the instant `at` (aware)."""
    return at.astimezone(LOCAL_ZONE).date()


def _env_offset() -> float:
    raw = os.environ.get(OFFSET_ENV, "")
    try:
        return float(raw) if raw else 0.0
    except ValueError:
        return 0.0


class Clock:
    """Wall clock in UTC; `offset_s` shifts it (tests and drills only)."""

    def __init__(self) -> None:
        self._base = _env_offset()
        self.offset_s = self._base
        self._frozen: float | None = None

    def time(self) -> float:
        base = self._frozen if self._frozen is not None else time.time()
        return base + self.offset_s

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), tz=UTC)

    def now_us(self) -> int:
        return int(self.time() * 1_000_000)

    def advance(self, seconds: float) -> None:
        self.offset_s += seconds

    def freeze(self, at: datetime | None = None) -> None:
        self._frozen = (at or self.now()).timestamp()
        self.offset_s = 0.0

    def start_at(self, at: datetime) -> None:
        """Tick from `at` on (the wall clock's pace, a fixed starting point); `reset`
        comes back to this course."""
        self._base = at.timestamp() - time.time()
        self.reset()

    @property
    def shifted(self) -> bool:
        return self._frozen is not None or abs(self.offset_s) > 1

    def reset(self) -> None:
        """Undo `freeze` and `advance`: back to the process's own course."""
        self._frozen = None
        self.offset_s = self._base


clock = Clock()


def us_to_datetime(value: int) -> datetime:
    return datetime.fromtimestamp(value / 1_000_000, tz=UTC)
