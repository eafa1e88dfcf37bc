"""Shared generation counters: how a change made by one worker (or host) reaches the caches
of all the others within a second, through the database they share.

A revocation bumps its counter in the same transaction as the change; a cache polls the
counter at most every `poll_s` seconds on its own request path (one indexed read of one
row) and drops what it holds when the counter moved. No message bus, nothing to deliver:
the database is the one place every worker already trusts.
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import BigInteger, String, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from imbplus.db import Base
from imbplus.privacy.catalog import Category as C
from imbplus.privacy.catalog import Protection as P
from imbplus.privacy.catalog import classify

DEVICE_TOKENS = "device_tokens"
PROCESSOR_CREDENTIALS = "processor_credentials"


class Generation(Base):
    __tablename__ = "generations"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


classify(
    Generation.__table__,  # type: ignore[arg-type]
    {
        "name": (C.REFERENCE, P.PLAIN, "What the counter guards (e.g. device_tokens)."),
        "value": (C.REFERENCE, P.PLAIN, "Bumped by every change the caches must learn of."),
    },
)


def bump(session: Session, name: str) -> None:
    """Count one change, committed with the caller's transaction."""
    done = session.execute(
        update(Generation).where(Generation.name == name).values(value=Generation.value + 1)
    )
    if not done.rowcount:  # type: ignore[attr-defined]
        session.add(Generation(name=name, value=1))
        session.flush()


def current(engine: Engine, name: str) -> int:
    with engine.connect() as conn:
        value = conn.execute(select(Generation.value).where(Generation.name == name)).scalar()
    return int(value or 0)


class Watcher:
    """`changed()` is True when the counter moved since the last look; it looks at most every
    `poll_s` seconds (callers then drop their cached entries)."""

    def __init__(self, engine: Engine, name: str, poll_s: float) -> None:
        self.engine, self.name, self.poll_s = engine, name, poll_s
        self._seen = current(engine, name)
        self._looked = time.monotonic()
        self._lock = threading.Lock()

    def changed(self) -> bool:
        now = time.monotonic()
        if now - self._looked < self.poll_s:
            return False
        with self._lock:
            if now - self._looked < self.poll_s:
                return False
            value = current(self.engine, self.name)
            self._looked = time.monotonic()
            if value == self._seen:
                return False
            self._seen = value
            return True
