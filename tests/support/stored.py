"""What a stored value decrypts to, straight from the keyring: for tests of the storage
itself (encryption, rotation). Nothing in the application reads values this way; it goes
through the gate (`Context.reveal*`)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from sqlalchemy.orm import Session

from imbplus.privacy.crypto import Keyring
from imbplus.runtime import Runtime


def decrypted(
    rt: Runtime, session: Session, table: str, column: str, row_id: str, blob: bytes
) -> str:
    return rt.keyring._open_row(session, table, row_id, (column,), (blob,))[0]


class Decryptions:
    """How many values the keyring decrypted while it was watched."""

    def __init__(self) -> None:
        self.values = 0


def watch_decryptions(monkeypatch: pytest.MonkeyPatch) -> Decryptions:
    """Count every value the keyring decrypts from now on (every way to plaintext ends in
    `Keyring._open_rows`)."""
    seen = Decryptions()
    real = Keyring._open_rows

    def counting(
        self: Keyring,
        session: Session,
        table: str,
        columns: Sequence[str],
        items: Sequence[tuple[str, Sequence[bytes | None]]],
    ) -> list[list[str]]:
        seen.values += len(columns) * len(items)
        return real(self, session, table, columns, items)

    monkeypatch.setattr(Keyring, "_open_rows", counting)
    return seen
