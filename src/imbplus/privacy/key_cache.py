"""Unwrapped data keys kept by a process between units of work (P05, P12).

Keyed by the wrapped key exactly as the database stores it (key id, version, master key
version, wrapped bytes): a unit of work still reads the wrapped key from the database, so a
key destroyed by any host is not found there and stops working at once; the cache only
saves unwrapping it again. Bounded, oldest out first; a shred in this process drops its
entries at once.
"""

from __future__ import annotations

import threading

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

Ref = tuple[int, int, int, bytes]  # key id, version, master key version, wrapped bytes
LIMIT = 65_536  # keys (about 10 MB)


class UnwrappedKeys:
    def __init__(self, limit: int = LIMIT) -> None:
        self.limit = limit
        self._keys: dict[Ref, tuple[bytes, AESGCM]] = {}
        self._lock = threading.Lock()

    def get(self, ref: Ref) -> tuple[bytes, AESGCM] | None:
        return self._keys.get(ref)

    def put(self, ref: Ref, material: bytes) -> tuple[bytes, AESGCM]:
        found = (material, AESGCM(material))
        with self._lock:
            while len(self._keys) >= self.limit:
                del self._keys[next(iter(self._keys))]
            self._keys[ref] = found
        return found

    def forget(self, key_id: int | None = None) -> None:
        """Drop the entries of one key (shredded), or all (versions destroyed)."""
        with self._lock:
            for ref in [r for r in self._keys if key_id is None or r[0] == key_id]:
                del self._keys[ref]

    def __len__(self) -> int:
        return len(self._keys)
