"""The P05 canary scan: every store read in full for the canary's values in plain text
(see `compliance/canary.py` for the canary itself and how it is planted).

The database (SQLite: the file and its -wal/-journal bytes and every row; PostgreSQL: every
row of every table through `COPY ... TO STDOUT (FORMAT binary)`), every file under the data
directory, the backup directory and the telemetry dataset (gzip and Parquet decoded,
PostgreSQL dumps read back with pg_restore), and the error pages of the web application
asked with canary values. A finding names the store and the kind of value, never the value.
"""

from __future__ import annotations

import gzip
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import inspect

from imbplus.compliance.canary import (
    CHUNK,
    needles,
)
from imbplus.runtime import Runtime


# -- scanning ------------------------------------------------------------------------------
@dataclass
class Scan:
    findings: set[tuple[str, str]] = field(default_factory=set)  # (store, kind)
    bytes: int = 0
    files: int = 0
    rows: int = 0
    tables: int = 0
    error_pages: int = 0
    reflected: int = 0  # error pages showing the requester's own path back, escaped
    stores: set[str] = field(default_factory=set)
    seconds: float = 0.0

    def figures(self) -> dict[str, object]:
        return {
            "bytes_scanned": self.bytes,
            "files_scanned": self.files,
            "rows_scanned": self.rows,
            "tables_scanned": self.tables,
            "error_pages_asked": self.error_pages,
            "error_pages_reflecting_own_path": self.reflected,
            "stores": len(self.stores),
            "value_forms": len(needles()),
            "scan_seconds": round(self.seconds, 2),
        }


_DIGITS = frozenset(b"0123456789")


class _Matcher:
    def __init__(self) -> None:
        self.needles = needles()
        self.keep = max(len(n.value) for n in self.needles) + 2

    def kinds_in(self, buf: bytes, *, final: bool) -> set[str]:
        found: set[str] = set()
        for n in self.needles:
            if n.kind in found:
                continue
            start = buf.find(n.value)
            while start != -1:
                end = start + len(n.value)
                if not final and end >= len(buf):
                    break  # seen again with its next byte in the following chunk
                if not n.bounded or (
                    (start == 0 or buf[start - 1] not in _DIGITS)
                    and (end == len(buf) or buf[end] not in _DIGITS)
                ):
                    found.add(n.kind)
                    break
                start = buf.find(n.value, start + 1)
        return found


class Scanner:
    def __init__(self) -> None:
        self.matcher = _Matcher()
        self.result = Scan()

    def stream(self, store: str, chunks: Iterable[bytes]) -> None:
        self.result.stores.add(store)
        tail = b""
        for chunk in chunks:
            if not chunk:
                continue
            self.result.bytes += len(chunk)
            buf = tail + chunk
            for kind in self.matcher.kinds_in(buf, final=False):
                self.result.findings.add((store, kind))
            tail = buf[-self.matcher.keep :]
        for kind in self.matcher.kinds_in(tail, final=True):
            self.result.findings.add((store, kind))

    def name_safe(self, text: str) -> str:
        """A store's name as shown: a path that holds a canary value is not printed."""
        if self.matcher.kinds_in(text.encode("utf-8"), final=True):
            return "<a name holding a canary value>"
        return text


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            yield chunk


def _gzip_chunks(path: Path) -> Iterator[bytes]:
    with gzip.open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            yield chunk


def _parquet_chunks(path: Path) -> Iterator[bytes]:
    """The decoded text and binary columns of a Parquet file (its bytes are compressed)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(path)
    names = [
        f.name
        for f in parquet.schema_arrow
        if pa.types.is_string(f.type)
        or pa.types.is_large_string(f.type)
        or pa.types.is_binary(f.type)
        or pa.types.is_large_binary(f.type)
        or pa.types.is_dictionary(f.type)
    ]
    if not names:
        return
    for batch in parquet.iter_batches(columns=names, batch_size=256_000):
        for column in batch.columns:
            if pa.types.is_dictionary(column.type):
                column = column.dictionary  # the distinct values suffice
            for buf in column.buffers()[2:]:  # the values (not validity, offsets)
                if buf is not None:
                    yield buf.to_pybytes()


def _pdf_chunks(path: Path) -> Iterator[bytes]:
    """A PDF's text as a reader extracts it (its streams are compressed and its fonts
    subset: the bytes never show the letters), and its document information."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    yield repr(dict(reader.metadata or {})).encode("utf-8")
    for page in reader.pages:
        yield page.extract_text().encode("utf-8")
        yield b"\n"


def _pgdump_chunks(path: Path) -> Iterator[bytes]:
    """A custom-format dump is compressed: read it back as SQL text with pg_restore."""
    exe = shutil.which("pg_restore")
    if exe is None:
        return
    with subprocess.Popen(  # noqa: S603 - fixed program, a file path as argument
        [exe, "--file=-", str(path)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    ) as proc:
        assert proc.stdout is not None
        while chunk := proc.stdout.read(CHUNK):
            yield chunk


def _row_bytes(row: Iterable[object]) -> bytes:
    parts = []
    for value in row:
        if value is None:
            continue
        if isinstance(value, bytes | bytearray | memoryview):
            parts.append(bytes(value))
        else:
            parts.append(str(value).encode("utf-8"))
    return b"\x00".join(parts)


def _sqlite_rows(scanner: Scanner, store: str, path: Path) -> None:
    """Every row of every table of a SQLite file, read-only (values spilled to overflow
    pages are split in the file's bytes; here each is whole)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not str(r[0]).startswith("sqlite_")
        ]
        for table in tables:
            rows = conn.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from the file
            scanner.result.tables += 1

            def chunks(rows: sqlite3.Cursor = rows) -> Iterator[bytes]:
                while batch := rows.fetchmany(2000):
                    scanner.result.rows += len(batch)
                    yield b"\x01".join(_row_bytes(r) for r in batch)

            scanner.stream(f"{store} table {table}", chunks())
    finally:
        conn.close()


def _postgres_rows(scanner: Scanner, rt: Runtime) -> None:
    """Every row of every table, in one consistent snapshot, as COPY's binary format gives
    it: text in UTF-8 and bytea as its raw bytes (the server's files may not be readable)."""
    with rt.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            tables = inspect(conn).get_table_names()
            raw = conn.connection.dbapi_connection
            assert raw is not None
            for table in tables:
                scanner.result.tables += 1
                count = conn.exec_driver_sql(f'SELECT count(*) FROM "{table}"').scalar_one()  # noqa: S608
                scanner.result.rows += int(count)
                cursor = raw.cursor()
                try:
                    with cursor.copy(f'COPY "{table}" TO STDOUT (FORMAT binary)') as copy:
                        scanner.stream(f"database table {table}", (bytes(c) for c in copy))
                finally:
                    cursor.close()


def _database(scanner: Scanner, rt: Runtime) -> Path | None:
    """Scan the live database; returns the SQLite file (None on PostgreSQL)."""
    if rt.engine.dialect.name != "sqlite":
        _postgres_rows(scanner, rt)
        return None
    db = Path(str(rt.engine.url.database)).resolve()
    for suffix, store in (
        ("", "database file"),
        ("-wal", "database -wal"),
        ("-journal", "database -journal"),
    ):
        part = Path(f"{db}{suffix}")
        if part.is_file():
            scanner.result.files += 1
            scanner.stream(store, _file_chunks(part))
    _sqlite_rows(scanner, "database", db)
    return db


def _kind_of(path: Path, backups: Path, telemetry: Path) -> str:
    if path.is_relative_to(backups):
        return "backup"
    if path.is_relative_to(telemetry):
        return "telemetry file"
    name = path.name.lower()
    if name.endswith(".log") or ".log." in name or "log" in {p.lower() for p in path.parts[-3:-1]}:
        return "log file"
    if name.endswith(".pdf"):
        return "PDF"
    return "file in the data dir"


def _files(scanner: Scanner, rt: Runtime, skip: set[Path]) -> None:
    """Every file under the data directory, the backups and the telemetry dataset (which
    may live elsewhere), and their names."""
    settings = rt.settings
    backups = settings.backup_root.resolve()
    telemetry = settings.telemetry_root.resolve()
    roots = list(dict.fromkeys(r.resolve() for r in (settings.data_dir, backups, telemetry)))
    seen: set[Path] = set()
    for root in roots:
        if not root.is_dir():
            continue
        names: list[bytes] = []
        for path in sorted(root.rglob("*")):
            if path.is_symlink() or not path.is_file() or path in seen or path in skip:
                continue
            seen.add(path)
            rel = path.relative_to(root)
            names.append(str(rel).encode("utf-8"))
            store = f"{_kind_of(path, backups, telemetry)} ({scanner.name_safe(str(rel))})"
            scanner.result.files += 1
            try:
                scanner.stream(store, _file_chunks(path))
                with path.open("rb") as fh:
                    head = fh.read(16)
                if head.startswith(b"\x1f\x8b"):
                    scanner.stream(f"{store}, decompressed", _gzip_chunks(path))
                elif head.startswith(b"PAR1"):
                    scanner.stream(f"{store}, decoded", _parquet_chunks(path))
                elif head.startswith(b"%PDF"):
                    scanner.stream(f"{store}, text", _pdf_chunks(path))
                elif head.startswith(b"PGDMP"):
                    scanner.stream(f"{store}, read back", _pgdump_chunks(path))
                elif head.startswith(b"SQLite format 3\x00"):
                    _sqlite_rows(scanner, store, path)
            except FileNotFoundError:  # gone meanwhile (a temporary file renamed or removed)
                scanner.result.files -= 1
            except Exception as exc:  # a file that cannot be read whole is not scanned: said
                scanner.result.findings.add((store, f"unreadable ({type(exc).__name__})"))
        scanner.stream(f"file names under {scanner.name_safe(root.name)}/", [b"\n".join(names)])


def scan(rt: Runtime, *, error_pages: bool = True) -> Scan:
    from imbplus.compliance.canary_pages import error_pages_of

    started = time.perf_counter()
    scanner = Scanner()
    if error_pages:
        error_pages_of(scanner, rt)  # first: what they leave behind is scanned below
    db = _database(scanner, rt)
    skip = set()
    if db is not None:
        skip = {Path(f"{db}{s}").resolve() for s in ("", "-wal", "-journal", "-shm")}
    _files(scanner, rt, skip)
    scanner.result.seconds = time.perf_counter() - started
    return scanner.result
