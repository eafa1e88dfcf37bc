"""What the auth domain plugs into the platform (see imbplus.plugin)."""

from __future__ import annotations

from imbplus.plugin import Domain


def _tables() -> object:
    """The modules that declare its tables."""
    from imbplus.auth import generations, models  # noqa: F401

    return generations


def _retention() -> object:
    """Its retention rules (P13)."""
    from imbplus.auth import retention

    return retention


DOMAIN = Domain(
    "auth",
    tables=_tables,
    retention=_retention,
)
