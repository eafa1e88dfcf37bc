"""The request log is written off the request path, in batches (P21).

A request only appends a small tuple to an in-memory queue (the headers list is kept by
reference, not parsed). A background thread wakes every `request_log_flush_seconds`, or as
soon as `request_log_batch` lines wait, masks and encrypts what it took and writes it in
one transaction. Trade-off, on purpose: a crash of the process loses the lines not yet
written (at most one interval's worth); a database outage keeps up to
`request_log_max_pending` lines in memory, then drops the oldest and counts them.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections import deque
from typing import Any

from sqlalchemy import Connection, Table

from imbplus.clock import us_to_datetime
from imbplus.privacy.crypto import SCOPE_SYSTEM
from imbplus.runtime import Runtime
from imbplus.traffic.masking import mask_ip, referrer_domain, route_of
from imbplus.traffic.models import FullRequest, MaskedRequest

log = logging.getLogger("imbplus.request_log")
_FULL = FullRequest.__tablename__
Headers = list[tuple[bytes, bytes]]


# ts_us, client address, method, path, status, headers (a plain tuple: cheapest to make)
Line = tuple[int, str, str, str, int, Headers]


def _header(headers: Headers, name: bytes) -> str | None:
    for key, value in headers:
        if key == name:
            return value.decode("latin-1")
    return None


class RequestLogWriter:
    def __init__(self, rt: Runtime) -> None:
        settings = rt.settings
        self.rt = rt
        self.interval = settings.request_log_flush_seconds
        self.batch = settings.request_log_batch
        self.skip = tuple(settings.request_log_skip_prefixes)
        self._queue: deque[Line] = deque(maxlen=settings.request_log_max_pending)
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._flushing = threading.Lock()
        self._thread: threading.Thread | None = None
        # the application's own path words, once its routes are known (see `route_of`)
        self.known_segments: frozenset[str] | None = None
        self.written = 0
        self.dropped = 0  # since start; the oldest lines go when the queue is full
        self._dropped_reported = 0

    # -- the request path --------------------------------------------------------------
    def record(
        self, ts_us: int, client: str, method: str, path: str, status: int, headers: Headers
    ) -> None:
        queue = self._queue
        if len(queue) == queue.maxlen:
            self.dropped += 1
        queue.append((ts_us, client, method, path, status, headers))
        if len(queue) >= self.batch:
            self._wake.set()

    @property
    def pending(self) -> int:
        return len(self._queue)

    # -- the background thread ---------------------------------------------------------
    def start(self) -> None:
        if self._thread is None:
            self._stopping.clear()
            self._thread = threading.Thread(target=self._run, name="request-log", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop the thread and write what is left (server shutdown)."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
        self.flush()

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.wait(self.interval)
            self._wake.clear()
            try:
                self.flush()
            except Exception as exc:  # keep logging whatever happens to one batch
                log.warning("request log not written (%s); will retry", type(exc).__name__)

    def flush(self) -> int:
        """Write every waiting line now; returns how many were written."""
        with self._flushing:
            lines = [self._queue.popleft() for _ in range(len(self._queue))]
            if not lines:
                return 0
            try:
                self._write(lines)
            except Exception:
                self._queue.extendleft(reversed(lines))  # retried with the next batch
                raise
            self.written += len(lines)
            if self.dropped > self._dropped_reported:
                log.warning(
                    "request log dropped %d lines (database away or writer behind)",
                    self.dropped - self._dropped_reported,
                )
                self._dropped_reported = self.dropped
            return len(lines)

    def _write(self, lines: list[Line]) -> None:
        keyring = self.rt.keyring
        with self.rt.sessions() as session:
            key_id = keyring.system_key(session, SCOPE_SYSTEM)
            digests: dict[str, bytes] = {}
            full, masked = [], []
            for ts_us, address, method, path, status, headers in lines:
                lang, route = route_of(path, status, self.known_segments)
                at = us_to_datetime(ts_us)
                client = address[:64] or "unknown"
                row_id = f"{ts_us:016x}{secrets.token_hex(8)}"  # time-ordered: cheap to index
                digest = digests.get(client)
                if digest is None:
                    digest = digests[client] = keyring.blind_index(session, _FULL, "ip", client)
                method = method[:8]
                sealed = keyring.seal(session, key_id, _FULL, "ip_ct", row_id, client)
                full.append((row_id, at, sealed, digest, method, route, status))
                referrer = referrer_domain(_header(headers, b"referer"), _header(headers, b"host"))
                minute = at.replace(second=0, microsecond=0)
                masked.append(
                    (at.date(), minute, mask_ip(client), method, route, status, referrer, lang)
                )
            connection = session.connection()
            _insert(connection, FullRequest.__table__, _FULL_COLUMNS, full)  # type: ignore[arg-type]
            _insert(connection, MaskedRequest.__table__, _MASKED_COLUMNS, masked)  # type: ignore[arg-type]
            session.commit()


_FULL_COLUMNS = ("id", "at", "ip_ct", "ip_bidx", "method", "route", "status")
_MASKED_COLUMNS = ("day", "at", "network", "method", "route", "status", "referrer_domain", "lang")


def _insert(
    connection: Connection, table: Table, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """Many rows at once: the columns' own bind processing once per batch, then COPY on
    PostgreSQL or one executemany elsewhere (several times faster than per-row INSERTs)."""
    dialect = connection.dialect
    processors = [table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    if any(processors):
        rows = [
            tuple(
                v if f is None or v is None else f(v) for f, v in zip(processors, row, strict=True)
            )
            for row in rows
        ]
    names = ", ".join(columns)
    if dialect.name == "postgresql":
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.close()
        return
    marks = ", ".join(["?" if dialect.paramstyle == "qmark" else "%s"] * len(columns))
    connection.exec_driver_sql(
        f"INSERT INTO {table.name} ({names}) VALUES ({marks})",  # noqa: S608 - fixed names
        rows,
    )
