"""Erasure of a person (B01, P13): every domain erases its part; what the law makes us keep
is kept and named, with its legal basis and end date, in the answer.

Domains register a hook in the module their plugin names (`erasure`). A hook runs inside the erasing
unit of work, *before* the customer's data key is destroyed (so it can still re-encrypt
what must be kept under a key of its own), and returns what it kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from imbplus import plugin
from imbplus.privacy.access import Context


@dataclass(frozen=True)
class Kept:
    category: str
    what: str
    legal_basis: str
    until: date | None = None


@dataclass
class ErasureReport:
    customer_id: str
    erased: list[str] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)


Hook = Callable[[Context, str], list[Kept]]
_HOOKS: dict[str, Hook] = {}


def register(name: str, hook: Hook) -> None:
    _HOOKS[name] = hook


def hooks() -> dict[str, Hook]:
    plugin.require("erasure")  # in the order of imbplus.domains.ALL
    return dict(_HOOKS)
