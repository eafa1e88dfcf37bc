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
from typing import TYPE_CHECKING, Any

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

_loader: Callable[[str], None] | None = None


def install(loader: Callable[[str], None]) -> None:
    """Name the function that loads every domain's modules for a part
    (`imbplus.domains.load`); importing `imbplus.domains` does this."""
    global _loader
    _loader = loader


def require(part: str) -> None:
    """Make sure every domain's modules for `part` are loaded before a registry is read.

    The registries live below the domains (the core, a domain's own module), so they cannot
    import the list of domains; the list installs its loader when it is imported, which every
    entry point does (the app, the CLI, the catalogue). Reading a registry before that is a
    bug, and says so, rather than finding an empty registry: no retention rule applied, no
    check run, no erasure hook called."""
    if part not in PARTS:
        raise ValueError(f"unknown part {part}")
    if _loader is None:
        raise RuntimeError(f"the domains are not plugged in ({part}): import imbplus.domains")
    _loader(part)


_app_factory: Callable[..., Any] | None = None


def install_app(factory: Callable[..., Any]) -> None:
    """Name the function that builds the web application (`imbplus.app.create_app`);
    importing `imbplus.app` does this."""
    global _app_factory
    _app_factory = factory


def app_factory() -> Callable[..., Any]:
    """The web application's factory, for the live checks that ask the running app (they lie
    below it: the app includes their pages)."""
    if _app_factory is None:
        raise RuntimeError("the web application is not plugged in: import imbplus.app")
    return _app_factory
