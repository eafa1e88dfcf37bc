"""The master key file: versioned 256-bit keys that wrap the data keys, kept apart from data.

Format (JSON): {"format": "imbplus-master-key/1", "active": N, "keys": {"N": base64}}.
The file must not be readable by group or others; it is created with mode 0600.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path

from imbplus.errors import ConfigurationError

FORMAT = "imbplus-master-key/1"


@dataclass
class MasterKey:
    active: int
    keys: dict[int, bytes] = field(repr=False)

    def material(self, version: int) -> bytes:
        try:
            return self.keys[version]
        except KeyError:
            raise ConfigurationError(
                f"master key version {version} is not in the key file"
            ) from None

    def with_new_version(self) -> MasterKey:
        version = max(self.keys) + 1
        return MasterKey(version, {**self.keys, version: secrets.token_bytes(32)})

    def without_versions(self, drop: set[int]) -> MasterKey:
        return MasterKey(self.active, {v: k for v, k in self.keys.items() if v not in drop})


def _check_mode(path: Path) -> None:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigurationError(
            f"master key file {path} is accessible by group or others "
            f"(mode {stat.S_IMODE(mode):04o}); run: chmod 600 {path}"
        )


def load(path: Path) -> MasterKey:
    if not path.exists():
        raise ConfigurationError(f"master key file {path} does not exist; run `imbplus init`")
    _check_mode(path)
    try:
        doc = json.loads(path.read_text())
        if doc.get("format") != FORMAT:
            raise ValueError("format")
        keys = {int(v): base64.b64decode(k) for v, k in doc["keys"].items()}
        active = int(doc["active"])
        if active not in keys or any(len(k) != 32 for k in keys.values()):
            raise ValueError("keys")
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigurationError(f"master key file {path} is malformed") from exc
    return MasterKey(active, keys)


def save(path: Path, key: MasterKey) -> None:
    """Write atomically (temp file, fsync, rename) with mode 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "format": FORMAT,
        "active": key.active,
        "keys": {str(v): base64.b64encode(k).decode() for v, k in sorted(key.keys.items())},
    }
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, json.dumps(doc, indent=1).encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def create_if_missing(path: Path) -> bool:
    if path.exists():
        _check_mode(path)
        return False
    save(path, MasterKey(1, {1: secrets.token_bytes(32)}))
    return True
