"""Imports every domain's tables so that `Base.metadata` (and the catalogue) is complete."""

from __future__ import annotations

from imbplus.db import Base


def load_all() -> type[Base]:
    from imbplus import domains

    domains.load("tables")  # each domain's plugin names the modules with its tables
    return Base
