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
import threading
import uuid
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert

from imbplus.clock import us_to_datetime
from imbplus.privacy.crypto import SCOPE_SYSTEM
from imbplus.runtime import Runtime
from imbplus.traffic.masking import mask_ip, referrer_domain, route_of
from imbplus.traffic.models import FullRequest, MaskedRequest

log = logging.getLogger("imbplus.request_log")
Headers = list[tuple[bytes, bytes]]


@dataclass(frozen=True, slots=True)
class Line:
    ts_us: int
    client: str
    method: str
    path: str
    status: int
    headers: Headers


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
        self.written = 0
        self.dropped = 0

    # -- the request path --------------------------------------------------------------
    def record(
        self, ts_us: int, client: str, method: str, path: str, status: int, headers: Headers
    ) -> None:
        queue = self._queue
        if len(queue) == queue.maxlen:
            self.dropped += 1
        queue.append(Line(ts_us, client, method, path, status, headers))
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
            if self.dropped:
                log.warning(
                    "request log dropped %d lines while the database was away", self.dropped
                )
                self.dropped = 0
            return len(lines)

    def _write(self, lines: list[Line]) -> None:
        keyring = self.rt.keyring
        with self.rt.sessions() as session:
            key_id = keyring.system_key(session, SCOPE_SYSTEM)
            digests: dict[str, bytes] = {}
            full, masked = [], []
            for line in lines:
                lang, route = route_of(line.path, line.status)
                at = us_to_datetime(line.ts_us)
                client = line.client[:64] or "unknown"
                row_id = uuid.uuid4().hex
                digest = digests.get(client)
                if digest is None:
                    digest = digests[client] = keyring.blind_index(
                        session, FullRequest.__tablename__, "ip", client
                    )
                method = line.method[:8]
                full.append(
                    {
                        "id": row_id,
                        "at": at,
                        "ip_ct": keyring.seal(
                            session, key_id, FullRequest.__tablename__, "ip_ct", row_id, client
                        ),
                        "ip_bidx": digest,
                        "method": method,
                        "route": route,
                        "status": line.status,
                    }
                )
                masked.append(
                    {
                        "day": at.date(),
                        "at": _minute(at),
                        "network": mask_ip(client),
                        "method": method,
                        "route": route,
                        "status": line.status,
                        "referrer_domain": referrer_domain(
                            _header(line.headers, b"referer"), _header(line.headers, b"host")
                        ),
                        "lang": lang,
                    }
                )
            session.execute(insert(FullRequest), full)
            session.execute(insert(MaskedRequest), masked)
            session.commit()


def _minute(at: datetime) -> datetime:
    return at.replace(second=0, microsecond=0, tzinfo=UTC)
