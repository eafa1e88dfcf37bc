"""What the devices domain plugs into the platform (see imbplus.plugin)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from imbplus.plugin import Domain

if TYPE_CHECKING:
    from fastapi import APIRouter


def _tables() -> object:
    """The modules that declare its tables."""
    from imbplus.devices import models

    return models


def _routers() -> Sequence[APIRouter]:
    from imbplus.devices import api, portal

    return [api.router, portal.api, portal.pages]


def _erasure() -> object:
    """Its erasure hook (B01)."""
    from imbplus.devices import erasure

    return erasure


def _exports() -> object:
    """Its part of the subject's copy (B01)."""
    from imbplus.devices import rights

    return rights


def _retention() -> object:
    """Its retention rules (P13)."""
    from imbplus.devices import retention

    return retention


def _reminders() -> object:
    """Its portal reminders."""
    from imbplus.devices import reminders

    return reminders


DOMAIN = Domain(
    "devices",
    tables=_tables,
    routers=_routers,
    erasure=_erasure,
    exports=_exports,
    retention=_retention,
    reminders=_reminders,
)
