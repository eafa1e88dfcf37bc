"""What a domain package plugs into the platform, declared in one place (its `plugin.py`).

A domain names the modules that declare its tables, its routers, and the modules that
register its erasure and export hooks (B01), retention rules (P13), evidence checks (B04),
portal reminders and outbox suppressions. Each is a function with a plain import, so mypy
and the import graph see every dependency; the app, the CLI and the compliance features
read the list in `imbplus.domains` and load only the part they need.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import APIRouter

# Imports the modules that declare or register a domain's part; returns one of them (unused).
Loader = Callable[[], object]


@dataclass(frozen=True)
class Domain:
    name: str
    tables: Loader | None = None
    routers: Callable[[], Sequence[APIRouter]] | None = None
    erasure: Loader | None = None
    exports: Loader | None = None
    retention: Loader | None = None
    evidence: Loader | None = None
    reminders: Loader | None = None
    suppressions: Loader | None = None


PARTS = ("tables", "erasure", "exports", "retention", "evidence", "reminders", "suppressions")
