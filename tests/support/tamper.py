"""What someone with write access to the database could do, for tests of the guards."""

from __future__ import annotations

from sqlalchemy import text

from imbplus.clock import clock
from imbplus.runtime import Runtime


def open_rotation(rt: Runtime) -> None:
    """A key-rotation run inserted by hand and left open (it unlocks sealed ciphertexts)."""
    with rt.sessions() as s:
        s.execute(
            text(
                "INSERT INTO key_rotations (started_at, master, keys_rotated, "
                "values_reencrypted) VALUES (:t, false, 0, 0)"
            ),
            {"t": clock.now().replace(tzinfo=None)},
        )
        s.commit()


def drop_append_only(rt: Runtime, table: str) -> None:
    """The append-only triggers of `table` dropped, as the database's owner could."""
    with rt.sessions() as s:
        if s.get_bind().dialect.name == "postgresql":
            s.execute(text(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}"))
        else:
            for verb in ("update", "delete"):
                s.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_{verb}"))
        s.commit()
