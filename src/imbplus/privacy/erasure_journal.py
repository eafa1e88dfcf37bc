"""The erasure journal (P13, B01): the ids of erased customers, outside the database.

A backup taken before an erasure still holds the person's wrapped data key. Restoring it
must not bring the person back, so every committed erasure appends the customer's id (an
opaque UUID, no personal value) and the time to this file, fsynced, and `imbplus backup
restore` erases every journalled customer again. Backups expire after `backup_keep` runs,
which is when the last copy of an erased person's data is gone.

The line is written after the database commit: a crash between the two leaves the erasure
in the database only, where the restore also looks when the old database is readable.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from imbplus.clock import clock

_PENDING = "imbplus.erasures"


def record(session: Session, customer_id: str) -> None:
    """Journal `customer_id` once the session's transaction commits."""
    session.info.setdefault(_PENDING, []).append(customer_id)


def append(path: Path, customer_ids: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    at = clock.now().isoformat()
    lines = "".join(json.dumps({"customer": c, "at": at}) + "\n" for c in customer_ids)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, lines.encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def read(path: Path) -> list[str]:
    """Journalled ids, oldest first; a torn last line (a crash while writing) is skipped."""
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
        if pending:
            append(path, pending)

    event.listen(factory, "after_commit", after_commit)
    event.listen(factory, "after_soft_rollback", lambda s, _t: s.info.pop(_PENDING, None))
