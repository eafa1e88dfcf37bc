"""A backup's manifest: what it holds, with a hash per file and the figures a drill checks.

`manifest.json` is written last, fsynced, and the backup directory is renamed from its
`.partial-` name only then: a directory without a manifest is not a backup.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from imbplus.errors import DomainError

FORMAT = 1
NAME = "manifest.json"
CHUNK = 1 << 20
Progress = Callable[[int], None]


class BackupInvalid(DomainError):
    status = 422
    code = "backup_invalid"


@dataclass(frozen=True)
class FileEntry:
    path: str  # relative to the backup directory
    bytes: int
    sha256: str
    rows: int | None = None  # Parquet files: rows in the file


@dataclass
class Manifest:
    name: str
    created_at: str
    backend: str
    revision: str | None
    tables: dict[str, int]
    audit_head: tuple[int, str] | None
    master_versions: list[int]
    database: FileEntry
    telemetry: list[FileEntry] = field(default_factory=list)
    format: int = FORMAT

    def files(self) -> list[FileEntry]:
        return [self.database, *self.telemetry]

    def total_bytes(self) -> int:
        return sum(f.bytes for f in self.files())


def copy_hashed(
    source: Path, directory: Path, relative: str, progress: Progress | None = None
) -> FileEntry:
    """Copy a file into `directory/relative`, fsync it, and return its entry (size and
    SHA-256, computed while copying)."""
    target = directory / relative
    digest = hashlib.sha256()
    size = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(source, "rb") as src, open(target, "wb") as dst:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            dst.write(chunk)
            size += len(chunk)
            if progress:
                progress(len(chunk))
        dst.flush()
        os.fsync(dst.fileno())
    return FileEntry(relative, size, digest.hexdigest())


def hash_file(path: Path, progress: Progress | None = None) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            if progress:
                progress(len(chunk))
    return size, digest.hexdigest()


def write(directory: Path, manifest: Manifest) -> None:
    tmp = directory / (NAME + ".tmp")
    with open(tmp, "w") as fh:
        json.dump(asdict(manifest), fh, indent=1, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())
    os.rename(tmp, directory / NAME)


def read(directory: Path) -> Manifest:
    path = directory / NAME
    try:
        doc = json.loads(path.read_text())
    except FileNotFoundError:
        raise BackupInvalid(
            f"{directory} is not a backup: it has no {NAME}", backup=str(directory)
        ) from None
    except ValueError:
        raise BackupInvalid(f"{path} is not valid JSON", backup=str(directory)) from None
    if doc.get("format") != FORMAT:
        raise BackupInvalid(
            f"unknown backup format {doc.get('format')!r} (this version reads {FORMAT})",
            backup=str(directory),
        )
    try:
        head = doc["audit_head"]
        return Manifest(
            name=doc["name"],
            created_at=doc["created_at"],
            backend=doc["backend"],
            revision=doc["revision"],
            tables={str(k): int(v) for k, v in doc["tables"].items()},
            audit_head=(int(head[0]), str(head[1])) if head else None,
            master_versions=[int(v) for v in doc["master_versions"]],
            database=FileEntry(**doc["database"]),
            telemetry=[FileEntry(**f) for f in doc["telemetry"]],
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise BackupInvalid(f"{path} is incomplete ({exc})", backup=str(directory)) from None


def check_files(directory: Path, manifest: Manifest, progress: Progress | None = None) -> list[str]:
    """Problems with the backup's files (missing, wrong size, wrong hash); empty when whole."""
    problems = []
    for entry in manifest.files():
        path = directory / entry.path
        if not path.is_file():
            problems.append(f"{entry.path}: missing")
            continue
        size, digest = hash_file(path, progress)
        if size != entry.bytes:
            problems.append(f"{entry.path}: {size} bytes, the manifest says {entry.bytes}")
        elif digest != entry.sha256:
            problems.append(f"{entry.path}: content changed (SHA-256 differs)")
    return problems
