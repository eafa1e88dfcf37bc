"""What the notify domain plugs into the platform (see imbplus.plugin)."""

from __future__ import annotations

from imbplus.plugin import Domain


def _tables() -> object:
    """The modules that declare its tables."""
    from imbplus.notify import models

    return models


def _retention() -> object:
    """Its retention rules (P13)."""
    from imbplus.notify import retention

    return retention


DOMAIN = Domain(
    "notify",
    tables=_tables,
    retention=_retention,
)
