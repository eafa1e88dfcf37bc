"""The audit chain's checkpoint and its signing key (P11).

The checkpoint is the chain head kept outside the database, signed (HMAC-SHA256) with a key
kept beside the master key. The same key makes the chain itself keyed: every record from
`keyed_from` on is hashed with HMAC, so that records cannot be forged, rewritten or appended
without the key, not even by the database's owner. `keyed_from` is part of the signed
checkpoint (records of an installation older than the keyed chain stay plain SHA-256).

A checkpoint that is missing or does not verify is never overwritten by ordinary work (that
would hide the evidence): requests keep working, the problem is logged and reported once
(`problem`), and only `anchor`, an operator's decision, sets it again.

With several hosts each keeps its own checkpoint file (what it appended); `peers` are the
other hosts' files as this one reads them, so that verifying on any host holds the chain to
the newest record any of them wrote.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import logging
import os
import secrets
import stat
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from imbplus.clock import clock

log = logging.getLogger("imbplus.audit")
SIGNING_KEY_NAME = "audit-signing.key"
FORMAT = "imbplus-audit-head/2"
_SEP = "\x1f"


class CheckpointError(Exception):
    """The checkpoint is missing, unreadable, unsigned or signed by another key."""


@dataclass(frozen=True)
class Mark:
    seq: int
    hash: str
    keyed_from: int


def signing_key(path: Path) -> bytes:
    """The HMAC key: 32 random bytes, hex, in a 0600 file."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise CheckpointError(
            f"the audit signing key {path.name} is missing; run `imbplus init`"
        ) from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise CheckpointError(f"the audit signing key {path} is readable by others")
    try:
        key = bytes.fromhex(path.read_text().strip())
    except (OSError, ValueError):
        raise CheckpointError(f"the audit signing key {path.name} is unreadable") from None
    if len(key) != 32:
        raise CheckpointError(f"the audit signing key {path.name} is malformed")
    return key


def create_signing_key(path: Path) -> bool:
    if path.exists():
        signing_key(path)
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, secrets.token_hex(32).encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return True


class Checkpoint:
    def __init__(
        self, path: Path, key_path: Path | None = None, peers: Sequence[Path] = ()
    ) -> None:
        self.path = path
        self.peers = tuple(peers)
        self.key_path = key_path or path.with_name(SIGNING_KEY_NAME)
        self.problem: str | None = None  # set when advancing met a bad checkpoint
        # Kept apart from the data (as production keeps the key), a copy beside the key
        # stops an old, validly signed checkpoint from being copied back over a newer one.
        apart = self.key_path.parent.resolve() != path.parent.resolve()
        tag = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]  # one per checkpoint
        self.mirror = self.key_path.parent / f"{path.name}.{tag}.mirror" if apart else None

    @cached_property
    def key(self) -> bytes:
        return signing_key(self.key_path)

    def record_mac(self) -> hmac.HMAC | None:
        """A keyed hash prepared with the key (`copy()` it for each record), or None when
        the key cannot be read: records are then plain SHA-256, which `verify` reports
        (they fall after `keyed_from`), and the work that is being committed stands."""
        try:
            return hmac.new(self.key, digestmod=hashlib.sha256)
        except CheckpointError as bad:
            if self.problem is None:
                log.error("audit records not keyed: %s", bad)
            self.problem = str(bad)
            return None

    def _mac(self, mark: Mark) -> str:
        message = f"{FORMAT}{_SEP}{mark.seq}{_SEP}{mark.hash}{_SEP}{mark.keyed_from}".encode()
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()

    def mark(self) -> Mark:
        """The signed head; the newer of the checkpoint and its mirror beside the key."""
        mark = self._mark_of(self.path)
        if self.mirror is not None and self.mirror.exists():
            try:
                mirrored = self._mark_of(self.mirror)
            except CheckpointError:
                return mark
            if mirrored.seq > mark.seq:
                return mirrored  # the checkpoint was rolled back
        return mark

    def _mark_of(self, path: Path) -> Mark:
        try:
            doc = json.loads(path.read_text())
        except FileNotFoundError:
            raise CheckpointError(f"the checkpoint file {path.name} is missing") from None
        except (OSError, ValueError):
            raise CheckpointError(f"the checkpoint file {path.name} is unreadable") from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise CheckpointError("the checkpoint is not signed (an older format)")
        try:
            mark = Mark(int(doc["seq"]), str(doc["hash"]), int(doc["keyed_from"]))
            mac = str(doc["mac"])
        except (KeyError, TypeError, ValueError):
            raise CheckpointError(f"the checkpoint file {path.name} is malformed") from None
        if not hmac.compare_digest(mac, self._mac(mark)):
            raise CheckpointError("the checkpoint's signature does not match (rewritten)")
        return mark

    def peer_marks(self) -> list[tuple[str, Mark]]:
        """The signed heads of the other hosts' checkpoints; CheckpointError names the first
        one that is missing or does not verify."""
        marks = []
        for path in self.peers:
            try:
                marks.append((str(path), self._mark_of(path)))
            except CheckpointError as bad:
                raise CheckpointError(f"the checkpoint of another host ({path}): {bad}") from None
        return marks

    def read(self) -> tuple[int, str]:
        mark = self.mark()
        return mark.seq, mark.hash

    def keyed_from(self) -> int | None:
        try:
            return self.mark().keyed_from
        except CheckpointError:
            return None

    def is_signed_format(self) -> bool:
        """The file is there in the signed format (whether or not its signature holds)."""
        try:
            doc = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return False
        return isinstance(doc, dict) and doc.get("format") == FORMAT

    def read_unsigned(self) -> tuple[int, str] | None:
        """The head an older, unsigned checkpoint names (for the upgrade in `init`)."""
        try:
            doc = json.loads(self.path.read_text())
            return int(doc["seq"]), str(doc["hash"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def advance(self, seq: int, digest: str) -> None:
        with self._locked():
            try:
                current = self.mark()
            except CheckpointError as bad:
                if self.problem is None:
                    log.error("audit checkpoint not advanced: %s", bad)
                self.problem = str(bad)
                return
            if current.seq < seq:
                self._write(Mark(seq, digest, current.keyed_from))

    def anchor(self, seq: int, digest: str, keyed_from: int) -> None:
        """Set the checkpoint to this head, whatever it held (init, restore, an operator's
        decision after the chain was checked)."""
        with self._locked():
            self._write(Mark(seq, digest, keyed_from))
            self.problem = None

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        with open(lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def _write(self, mark: Mark) -> None:
        doc = {
            "format": FORMAT,
            "seq": mark.seq,
            "hash": mark.hash,
            "keyed_from": mark.keyed_from,
            "at": clock.now().isoformat(timespec="seconds"),
            "mac": self._mac(mark),
        }
        _write_json(self.path, doc, sync=True)
        if self.mirror is not None:
            try:  # it may lag after a crash: it guards against a rollback, never ahead
                _write_json(self.mirror, doc, sync=False)
            except OSError as exc:
                if self.problem is None:
                    log.error("audit checkpoint mirror not written (%s)", type(exc).__name__)


def _write_json(target: Path, doc: dict[str, object], *, sync: bool) -> None:
    tmp = target.with_name(target.name + ".tmp")
    with open(tmp, "w") as fh:
        json.dump(doc, fh)
        fh.flush()
        if sync:
            os.fsync(fh.fileno())
    os.replace(tmp, target)
