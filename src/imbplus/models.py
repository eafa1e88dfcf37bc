"""Imports every domain's tables so that `Base.metadata` (and the catalogue) is complete.

Importing this module plugs the domains in (`imbplus.domains`), as every entry point does."""

from __future__ import annotations

from imbplus import domains
from imbplus.db import Base


def load_all() -> type[Base]:
    domains.load("tables")  # each domain's plugin names the modules with its tables
    return Base
