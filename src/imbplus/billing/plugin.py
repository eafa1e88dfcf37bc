"""What the billing domain plugs into the platform (see imbplus.plugin)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from imbplus.plugin import Domain

if TYPE_CHECKING:
    from fastapi import APIRouter


def _tables() -> object:
    """The modules that declare its tables."""
    from imbplus.billing import models

    return models


def _routers() -> Sequence[APIRouter]:
    from imbplus.billing import api

    return [api.router]


def _retention() -> object:
    """Its retention rules (P13)."""
    from imbplus.billing import purge

    return purge


DOMAIN = Domain(
    "billing",
    tables=_tables,
    routers=_routers,
    retention=_retention,
)
