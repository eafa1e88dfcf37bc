"""What the shop domain plugs into the platform (see imbplus.plugin)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from imbplus.plugin import Domain

if TYPE_CHECKING:
    from fastapi import APIRouter


def _tables() -> object:
    """The modules that declare its tables."""
    from imbplus.shop import models

    return models


def _routers() -> Sequence[APIRouter]:
    from imbplus.shop import api, portal

    return [api.router, portal.router]


def _exports() -> object:
    """Its part of the subject's copy (B01)."""
    from imbplus.shop import rights

    return rights


DOMAIN = Domain(
    "shop",
    tables=_tables,
    routers=_routers,
    exports=_exports,
)
