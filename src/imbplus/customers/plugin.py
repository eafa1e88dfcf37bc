"""What the customers domain plugs into the platform (see imbplus.plugin)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from imbplus.plugin import Domain

if TYPE_CHECKING:
    from fastapi import APIRouter


def _tables() -> object:
    """The modules that declare its tables (and the name index key rotation rewrites)."""
    from imbplus.customers import models, names  # noqa: F401

    return models


def _routers() -> Sequence[APIRouter]:
    from imbplus.customers import api, pages

    return [api.router, pages.router]


def _exports() -> object:
    """Its part of the subject's copy (B01)."""
    from imbplus.customers import rights

    return rights


def _retention() -> object:
    """Its retention rules (P13)."""
    from imbplus.customers import retention

    return retention


DOMAIN = Domain(
    "customers",
    tables=_tables,
    routers=_routers,
    exports=_exports,
    retention=_retention,
)
