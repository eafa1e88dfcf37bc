"""Small performance helpers for bulk paths."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a bulk loop allocates many short-lived,
    acyclic objects (a full collection would rescan the whole heap several times).
    Reference counting still frees everything; collection resumes afterwards."""
    global _depth
    with _lock:
        _depth += 1
        if _depth == 1:
            was_enabled = gc.isenabled()
            gc.disable()
        else:
            was_enabled = False
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and (was_enabled or not gc.isenabled()):
                gc.enable()
