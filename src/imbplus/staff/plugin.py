"""What the staff domain plugs into the platform (see imbplus.plugin)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from imbplus.plugin import Domain

if TYPE_CHECKING:
    from fastapi import APIRouter


def _tables() -> object:
    """The modules that declare its tables."""
    from imbplus.staff import models

    return models


def _routers() -> Sequence[APIRouter]:
    from imbplus.staff import pages

    return [pages.router]


def _retention() -> object:
    """Its retention rules (P13)."""
    from imbplus.staff import retention

    return retention


def _evidence() -> object:
    """Its evidence checks (B04)."""
    from imbplus.staff import evidence

    return evidence


DOMAIN = Domain(
    "staff",
    tables=_tables,
    routers=_routers,
    retention=_retention,
    evidence=_evidence,
)
