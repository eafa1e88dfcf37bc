"""What a page view produces is written off the request path, by one thread per worker.

Buffers (the page-view counts of `imbplus.site.stats`) collect in memory what requests
produce; the `Flusher` writes them every `interval` seconds and once more when the server
shuts down. A failed write is logged by its kind only (never a value) and retried at the
next tick; the buffer keeps what it could not write. The request log has its own writer
thread (`imbplus.traffic.writer`), started and stopped next to this one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

log = logging.getLogger("imbplus.buffer")
FLUSH_SECONDS = 1.0  # a crash loses at most this long of counts


class Flusher:
    def __init__(
        self, flushes: Sequence[Callable[[], object]], interval: float = FLUSH_SECONDS
    ) -> None:
        self.flushes = tuple(flushes)
        self.interval = interval
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        if self._thread is None:
            self._stopping.clear()
            self._thread = threading.Thread(target=self._run, name="buffer-flusher", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop the thread, then write what is left (server shutdown)."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
        self.flush_all()

    def flush_all(self) -> bool:
        """Flush every buffer once; False when one of them failed (it keeps its data)."""
        ok = True
        for flush in self.flushes:
            try:
                flush()
            except Exception as exc:  # one failing buffer must not stop the others
                log.warning("buffered counts not written (%s); will retry", type(exc).__name__)
                ok = False
        return ok

    def _run(self) -> None:
        while not self._stopping.wait(self.interval):
            self.flush_all()
