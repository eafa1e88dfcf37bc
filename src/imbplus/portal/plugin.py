"""What the portal domain plugs into the platform (see imbplus.plugin)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from imbplus.plugin import Domain

if TYPE_CHECKING:
    from fastapi import APIRouter


def _tables() -> object:
    """The modules that declare its tables."""
    from imbplus.portal import models

    return models


def _routers() -> Sequence[APIRouter]:
    from imbplus.portal import pages

    return [pages.router]


def _erasure() -> object:
    """Its erasure hook (B01)."""
    from imbplus.portal import erasure

    return erasure


def _exports() -> object:
    """Its part of the subject's copy (B01)."""
    from imbplus.portal import rights

    return rights


def _retention() -> object:
    """Its retention rules (P13)."""
    from imbplus.portal import retention

    return retention


DOMAIN = Domain(
    "portal",
    tables=_tables,
    routers=_routers,
    erasure=_erasure,
    exports=_exports,
    retention=_retention,
)
