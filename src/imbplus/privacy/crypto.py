"""Envelope encryption (P05, P12): AES-256-GCM field encryption under per-owner data keys.

* The master key wraps versioned data keys (table `data_key_versions`).
* Each ciphertext starts with a header naming its key id and version.
* Associated data binds a ciphertext to its table, column and row, so a value copied to
  another row or column does not decrypt.
* Each customer has a data key of their own: destroying it (crypto-shredding) makes every
  copy of their data in the system unreadable. A backup made earlier still holds the
  wrapped key; a restore erases the customer again (`backup.restore`, erasure journal).
* Exact lookups use a keyed blind index (HMAC-SHA256), never decryption of every row.

A unit of work reads the wrapped keys it uses from the database, so a shredded key stops
working for every later one; only their unwrapping is kept longer (`key_cache`).

Decryption is private to the privacy core: values come out through the gate
(`Context.reveal*`, `access.Grant`), which checks and audits first. Nothing here hands out
key material.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from imbplus.clock import clock
from imbplus.errors import ConfigurationError, Erased, IntegrityFailure
from imbplus.privacy.key_cache import Ref, UnwrappedKeys
from imbplus.privacy.masterkey import MasterKey
from imbplus.privacy.models import DataKey, DataKeyVersion

HEADER = struct.Struct(">BQI")  # format, key id, key version
FORMAT_V1 = 1
NONCE_LEN = 12
_HEADER_LEN = HEADER.size
_BODY_AT = HEADER.size + NONCE_LEN
SCOPE_CUSTOMER = "customer"
SCOPE_SYSTEM = "system"
SCOPE_BLIND_INDEX = "blind_index"
_CACHE = "imbplus.keyring"


def _wrap_ad(key_id: int, version: int) -> bytes:
    return b"imbplus-data-key|%d|%d" % (key_id, version)


def _field_ad(header: bytes, table: str, column: str, row_id: str) -> bytes:
    return header + _ad_middle(table, column) + row_id.encode()


@lru_cache(maxsize=1024)
def _ad_middle(table: str, column: str) -> bytes:
    return f"|{table}.{column}|".encode()


def key_ref(blob: bytes) -> tuple[int, int]:
    """(key id, version) named in a ciphertext header."""
    fmt, key_id, version = HEADER.unpack_from(blob)
    if fmt != FORMAT_V1:
        raise IntegrityFailure("unknown ciphertext format")
    return key_id, version


class _Cache:
    __slots__ = ("active", "aead", "by_header", "material", "system")

    def __init__(self) -> None:
        self.by_header: dict[bytes, AESGCM] = {}
        self.material: dict[tuple[int, int], bytes] = {}
        self.aead: dict[tuple[int, int], AESGCM] = {}
        self.active: dict[int, int] = {}
        self.system: dict[str, int] = {}


class Keyring:
    def __init__(self, master: MasterKey) -> None:
        self.master = master
        self._keks: dict[int, AESGCM] = {}
        self._unwrapped = UnwrappedKeys()

    def _kek(self, master_version: int) -> AESGCM:
        kek = self._keks.get(master_version)
        if kek is None:
            kek = self._keks[master_version] = AESGCM(self.master.material(master_version))
        return kek

    # -- key lifecycle -------------------------------------------------------------------
    def create(self, session: Session, scope: str, owner_ref: str | None = None) -> int:
        key = DataKey(
            scope=scope,
            owner_ref=owner_ref,
            active_version=1,
            state="active",
            created_at=clock.now(),
        )
        session.add(key)
        session.flush()
        self._add_version(session, key.id, 1)
        self._cache(session).active[key.id] = 1
        return key.id

    def rotate(self, session: Session, key_id: int) -> int:
        """Make a new version active; the old one stays readable until destroyed."""
        key = session.get(DataKey, key_id, with_for_update=True)
        if key is None or key.state != "active":
            raise ConfigurationError(f"data key {key_id} cannot be rotated")
        now = clock.now()
        session.execute(
            update(DataKeyVersion)
            .where(DataKeyVersion.key_id == key_id, DataKeyVersion.retired_at.is_(None))
            .values(retired_at=now)
        )
        key.active_version += 1
        self._add_version(session, key_id, key.active_version)
        self._cache(session).active[key_id] = key.active_version
        return key.active_version

    def destroy_retired(self, session: Session, key_ids: Iterable[int] | None = None) -> int:
        """Erase the material of retired versions (after re-encryption finished)."""
        stmt = (
            update(DataKeyVersion)
            .where(DataKeyVersion.retired_at.is_not(None), DataKeyVersion.wrapped.is_not(None))
            .values(wrapped=None, destroyed_at=clock.now())
        )
        if key_ids is not None:
            stmt = stmt.where(DataKeyVersion.key_id.in_(list(key_ids)))
        count = session.execute(stmt).rowcount  # type: ignore[attr-defined]
        session.info.pop(_CACHE, None)
        self._unwrapped.forget()
        return int(count or 0)

    def shred(self, session: Session, key_id: int) -> None:
        """Crypto-shredding: destroy every version; all ciphertexts under the key are lost."""
        now = clock.now()
        session.execute(
            update(DataKeyVersion)
            .where(DataKeyVersion.key_id == key_id)
            .values(wrapped=None, destroyed_at=now)
        )
        session.execute(
            update(DataKey).where(DataKey.id == key_id).values(state="shredded", shredded_at=now)
        )
        session.info.pop(_CACHE, None)
        self._unwrapped.forget(key_id)

    def rewrap(self, row: DataKeyVersion, new_master: MasterKey) -> None:
        """Re-wrap one key version under `new_master`'s active version (master rotation)."""
        if row.wrapped is None:
            return
        material = self._unwrap(row.key_id, row.version, row.master_version, row.wrapped)
        row.wrapped = _wrap_with(new_master, row.key_id, row.version, material)
        row.master_version = new_master.active

    def system_key(self, session: Session, scope: str) -> int:
        cache = self._cache(session)
        if scope in cache.system:
            return cache.system[scope]
        key_id = session.execute(
            select(DataKey.id)
            .where(DataKey.scope == scope, DataKey.state == "active")
            .order_by(DataKey.id)
            .limit(1)
        ).scalar()
        if key_id is None:
            key_id = self.create(session, scope)
        cache.system[scope] = key_id
        return key_id

    # -- material ------------------------------------------------------------------------
    def _cache(self, session: Session) -> _Cache:
        cache = session.info.get(_CACHE)
        if cache is None:
            cache = session.info[_CACHE] = _Cache()
        return cache

    def _add_version(self, session: Session, key_id: int, version: int) -> None:
        material = os.urandom(32)
        session.add(
            DataKeyVersion(
                key_id=key_id,
                version=version,
                wrapped=_wrap_with(self.master, key_id, version, material),
                master_version=self.master.active,
                created_at=clock.now(),
            )
        )
        self._cache(session).material[(key_id, version)] = material

    def _unwrap(self, key_id: int, version: int, master_version: int, wrapped: bytes) -> bytes:
        kek = self._kek(master_version)
        try:
            return kek.decrypt(wrapped[:NONCE_LEN], wrapped[NONCE_LEN:], _wrap_ad(key_id, version))
        except InvalidTag:
            raise IntegrityFailure(
                "a wrapped data key failed its integrity check", key_id=key_id, version=version
            ) from None

    def preload(self, session: Session, key_ids: Iterable[int]) -> None:
        """Fetch and unwrap every live version of many keys in a few queries (bulk reads)."""
        cache = self._cache(session)
        known = {key_id for key_id, _version in cache.material}
        wanted = sorted(set(key_ids) - known)
        for start in range(0, len(wanted), 5000):
            rows = session.execute(
                select(
                    DataKeyVersion.key_id,
                    DataKeyVersion.version,
                    DataKeyVersion.master_version,
                    DataKeyVersion.wrapped,
                ).where(
                    DataKeyVersion.key_id.in_(wanted[start : start + 5000]),
                    DataKeyVersion.wrapped.is_not(None),
                )
            )
            for key_id, version, master_version, wrapped in rows:
                if wrapped is not None:
                    found = self._unwrap_kept((key_id, version, master_version, wrapped))
                    cache.material[(key_id, version)], cache.aead[(key_id, version)] = found

    def _unwrap_kept(self, ref: Ref) -> tuple[bytes, AESGCM]:
        return self._unwrapped.get(ref) or self._unwrapped.put(ref, self._unwrap(*ref))

    def _material(self, session: Session, key_id: int, version: int) -> bytes:
        cache = self._cache(session)
        found = cache.material.get((key_id, version))
        if found is not None:
            return found
        row = session.get(DataKeyVersion, (key_id, version))
        if row is None or row.wrapped is None:
            raise Erased("the data key of this value was destroyed", key_id=key_id)
        found = self._unwrap_kept((key_id, version, row.master_version, row.wrapped))[0]
        cache.material[(key_id, version)] = found
        return found

    def check_unwrap(self, session: Session, key_id: int, version: int) -> None:
        """Raise unless the master key at hand unwraps this data-key version; no value is
        decrypted and nothing is returned (start-up and restore checks)."""
        self._material(session, key_id, version)

    def derive(self, session: Session, scope: str, label: bytes) -> bytes:
        """A secret for one named use: HMAC-SHA256 of `label` under the active version of
        the system key of `scope`. The key itself never leaves the keyring."""
        key_id = self.system_key(session, scope)
        material = self._material(session, key_id, self.active_version(session, key_id))
        return hmac.new(material, label, hashlib.sha256).digest()

    def active_version(self, session: Session, key_id: int) -> int:
        cache = self._cache(session)
        version = cache.active.get(key_id)
        if version is None:
            key = session.get(DataKey, key_id)
            if key is None or key.state != "active":
                raise Erased("the data key was destroyed", key_id=key_id)
            version = cache.active[key_id] = key.active_version
        return version

    def live_versions(self, session: Session, key_id: int) -> list[int]:
        return list(
            session.execute(
                select(DataKeyVersion.version).where(
                    DataKeyVersion.key_id == key_id, DataKeyVersion.wrapped.is_not(None)
                )
            ).scalars()
        )

    def _aead(self, session: Session, key_id: int, version: int) -> AESGCM:
        cache = self._cache(session)
        aead = cache.aead.get((key_id, version))
        if aead is None:
            aead = cache.aead[(key_id, version)] = AESGCM(self._material(session, key_id, version))
        return aead

    # -- fields --------------------------------------------------------------------------
    def seal(
        self, session: Session, key_id: int, table: str, column: str, row_id: str, value: str
    ) -> bytes:
        version = self.active_version(session, key_id)
        header = HEADER.pack(FORMAT_V1, key_id, version)
        nonce = os.urandom(NONCE_LEN)
        sealed = self._aead(session, key_id, version).encrypt(
            nonce, value.encode(), _field_ad(header, table, column, row_id)
        )
        return header + nonce + sealed

    def _open_row(
        self,
        session: Session,
        table: str,
        row_id: str,
        columns: Sequence[str],
        blobs: Sequence[bytes],
    ) -> list[str]:
        """Decrypt several columns of one row."""
        return self._open_rows(session, table, columns, [(row_id, blobs)])[0]

    def _open_rows(
        self,
        session: Session,
        table: str,
        columns: Sequence[str],
        items: Sequence[tuple[str, Sequence[bytes | None]]],
    ) -> list[list[str]]:
        """Decrypt the same columns of many rows: (row id, blobs) -> values (bulk reads).
        The keys named by the first column's values are fetched together beforehand."""
        by_header = self._cache(session).by_header
        if len(items) > 1 and columns:
            heads = {blobs[0][:_HEADER_LEN] for _row_id, blobs in items if blobs[0] is not None}
            self.preload(session, {_key_id_of(h) for h in heads - by_header.keys()})
        pairs = [(column, _ad_middle(table, column)) for column in columns]
        out: list[list[str]] = []
        for row_id, blobs in items:
            rid = row_id.encode()
            values: list[str] = []
            for (column, middle), blob in zip(pairs, blobs, strict=True):
                if blob is None:
                    raise Erased("this value was erased", table=table, record=row_id)
                header = blob[:_HEADER_LEN]
                aead = by_header.get(header)
                if aead is None:
                    aead = by_header[header] = self._aead_for(session, table, column, row_id, blob)
                try:
                    plain = aead.decrypt(
                        blob[_HEADER_LEN:_BODY_AT], blob[_BODY_AT:], header + middle + rid
                    )
                except InvalidTag:
                    raise IntegrityFailure(
                        "a stored value failed its integrity check (tampered or moved)",
                        table=table,
                        column=column,
                        record=row_id,
                    ) from None
                values.append(plain.decode())
            out.append(values)
        return out

    def _aead_for(
        self, session: Session, table: str, column: str, row_id: str, blob: bytes
    ) -> AESGCM:
        try:
            key_id, version = key_ref(blob)
        except struct.error:
            raise IntegrityFailure(
                "a stored value is truncated", table=table, column=column, record=row_id
            ) from None
        return self._aead(session, key_id, version)

    # -- blind index ---------------------------------------------------------------------
    def blind_index(self, session: Session, table: str, column: str, normalized: str) -> bytes:
        key_id = self.system_key(session, SCOPE_BLIND_INDEX)
        version = self.active_version(session, key_id)
        return _hmac(self._material(session, key_id, version), table, column, normalized)

    def blind_candidates(
        self, session: Session, table: str, column: str, normalized: str
    ) -> list[bytes]:
        """Digests under every live version (lookups keep working during rotation)."""
        key_id = self.system_key(session, SCOPE_BLIND_INDEX)
        return [
            _hmac(self._material(session, key_id, v), table, column, normalized)
            for v in self.live_versions(session, key_id)
        ]


def _key_id_of(header: bytes) -> int:
    try:
        return key_ref(header)[0]
    except struct.error:
        return 0  # a truncated value: reported when it is decrypted


def _wrap_with(master: MasterKey, key_id: int, version: int, material: bytes) -> bytes:
    nonce = os.urandom(NONCE_LEN)
    kek = AESGCM(master.material(master.active))
    return nonce + kek.encrypt(nonce, material, _wrap_ad(key_id, version))


def _hmac(key: bytes, table: str, column: str, normalized: str) -> bytes:
    msg = f"{table}.{column}\x00{normalized}".encode()
    return hmac.new(key, msg, hashlib.sha256).digest()


def keyring_state(session: Session) -> dict[str, Any]:
    from sqlalchemy import func

    rows = session.execute(
        select(DataKey.scope, DataKey.state, func.count()).group_by(DataKey.scope, DataKey.state)
    ).all()
    return {f"{scope}/{state}": n for scope, state, n in rows}
