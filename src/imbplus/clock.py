"""The one clock. Tests move it to exercise expiry, retention and sealing."""

from __future__ import annotations

import time
from datetime import UTC, datetime


class Clock:
    """Wall clock in UTC; `offset_s` shifts it (tests and drills only)."""

    def __init__(self) -> None:
        self.offset_s = 0.0
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
        self._frozen = (at or datetime.now(tz=UTC)).timestamp()
        self.offset_s = 0.0

    def reset(self) -> None:
        self._frozen = None
        self.offset_s = 0.0


clock = Clock()


def us_to_datetime(value: int) -> datetime:
    return datetime.fromtimestamp(value / 1_000_000, tz=UTC)
