"""The erasure journal (P13, B01): the ids of erased customers, outside the database.

A backup taken before an erasure still holds the person's wrapped data key. Restoring it
must not bring the person back, so every committed erasure appends the customer's id (an
opaque UUID, no personal value) and the time to this file, fsynced, and `imbplus backup
restore` erases every journalled customer again. Backups expire after `backup_keep` runs,
which is when the last copy of an erased person's data is gone.

The line is written after the database commit. If writing fails (or the process dies in
between), the erasure stands and is logged as an error; the evidence report then shows an
erased customer missing from the journal, and `imbplus backup restore` also reads the old
database when it can.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from imbplus.clock import clock

_PENDING = "imbplus.erasures"
log = logging.getLogger("imbplus.erasure_journal")


def record(session: Session, customer_id: str) -> None:
    """Journal `customer_id` once the session's transaction commits."""
    session.info.setdefault(_PENDING, []).append(customer_id)


def append(path: Path, customer_ids: list[str]) -> None:
    """Append whole lines, fsynced; a line torn by an earlier crash is closed first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    at = clock.now().isoformat()
    lines = "".join(json.dumps({"customer": c, "at": at}) + "\n" for c in customer_ids)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            lines = "\n" + lines
        os.write(fd, lines.encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def read(path: Path) -> list[str]:
    """Journalled ids, oldest first, each once; torn lines are skipped."""
    try:
        text = path.read_text()
    except FileNotFoundError:
        return []
    found = []
    for line in text.splitlines():
        try:
            found.append(str(json.loads(line)["customer"]))
        except (ValueError, KeyError, TypeError):
            continue
    return list(dict.fromkeys(found))


def install(factory: sessionmaker[Session], path: Path) -> None:
    def after_commit(session: Session) -> None:
        pending = session.info.pop(_PENDING, None)
        if not pending:
            return
        try:
            append(path, pending)
        except OSError as exc:
            # the erasure itself is committed; say loudly that the journal missed it
            log.error(
                "erasure journal %s not written for %d erasure(s): %s; the evidence report "
                "lists it until fixed",
                path,
                len(pending),
                exc.strerror,
            )

    def after_soft_rollback(session: Session, previous: Any) -> None:
        if previous.parent is None:  # the whole transaction, not a savepoint
            session.info.pop(_PENDING, None)

    event.listen(factory, "after_commit", after_commit)
    event.listen(factory, "after_soft_rollback", after_soft_rollback)
