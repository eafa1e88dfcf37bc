"""CSV in and out for the anonymizer: any UTF-8 CSV with a header row, `,` or `;`.

Every value is read as text (a postal code stays `00-950`, an age `07` stays `07`).
Outputs are written to a temporary file beside the target and renamed only when all of
them are complete, so a failed run leaves no partial file behind.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

from imbplus.anonymize.errors import AnonymizationError

_BOM = b"\xef\xbb\xbf"


def _text(path: Path) -> bytes:
    raw = path.read_bytes()
    raw = raw.removeprefix(_BOM)
    if not raw.strip():
        raise AnonymizationError(f"{path.name} is empty")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AnonymizationError(
            f"{path.name} is not UTF-8 (invalid byte at offset {exc.start}): save it as UTF-8 first"
        ) from None
    return raw


def sniff(header: str) -> str:
    return ";" if header.count(";") > header.count(",") else ","


def read(path: Path) -> tuple[pa.Table, str]:
    """The table (every column text) and its delimiter."""
    raw = _text(path)
    header = raw.split(b"\n", 1)[0].decode("utf-8").rstrip("\r")
    delimiter = sniff(header)
    names = next(csv.reader([header], delimiter=delimiter))
    if len(set(names)) != len(names) or "" in names:
        raise AnonymizationError(f"{path.name}: the header row has empty or repeated names")
    try:
        table = pacsv.read_csv(
            io.BytesIO(raw),
            parse_options=pacsv.ParseOptions(delimiter=delimiter),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        first = str(exc).splitlines()[0] if str(exc) else "malformed"
        raise AnonymizationError(f"{path.name} cannot be read as CSV: {first}") from None
    return table, delimiter


@contextmanager
def staged(targets: Sequence[Path]) -> Iterator[list[Path]]:
    """Temporary paths beside `targets`; renamed onto them only if the block succeeds."""
    temps: list[Path] = []
    try:
        for target in targets:
            fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            os.close(fd)
            temps.append(Path(name))
        yield temps
        umask = os.umask(0)
        os.umask(umask)
        for temp, target in zip(temps, targets, strict=True):
            temp.chmod(0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
            os.replace(temp, target)
    finally:
        for temp in temps:
            with suppress(FileNotFoundError):
                temp.unlink()


def write_table(table: pa.Table, path: Path, delimiter: str) -> None:
    pacsv.write_csv(
        table,
        path,
        write_options=pacsv.WriteOptions(delimiter=delimiter, quoting_style="needed"),
    )


def write_json(report: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_outputs(
    writers: Sequence[tuple[Path, Callable[[Path], None]]],
) -> None:
    with staged([target for target, _ in writers]) as temps:
        for temp, (_, write) in zip(temps, writers, strict=True):
            write(temp)
