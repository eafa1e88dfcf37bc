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
    from imbplus.shop import api, console_pages, erasure_preview, portal

    return [api.router, portal.router, console_pages.router, erasure_preview.router]


def _erasure() -> object:
    """Its erasure hook (B01): saved cards, subscriptions and shipments of what was bought."""
    from imbplus.shop import erasure

    return erasure


def _exports() -> object:
    """Its part of the subject's copy (B01)."""
    from imbplus.shop import rights

    return rights


def _retention() -> object:
    """The contracts the retention rules count from (P13)."""
    from imbplus.shop import contracts

    return contracts


DOMAIN = Domain(
    "shop",
    tables=_tables,
    routers=_routers,
    erasure=_erasure,
    exports=_exports,
    retention=_retention,
)
