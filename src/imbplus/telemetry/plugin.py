"""What the telemetry domain plugs into the platform (see imbplus.plugin)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from imbplus.plugin import Domain

if TYPE_CHECKING:
    from fastapi import APIRouter


def _routers() -> Sequence[APIRouter]:
    from imbplus.telemetry import api, pages

    return [api.router, pages.router]


def _retention() -> object:
    """Its retention rules (P13)."""
    from imbplus.telemetry import retention

    return retention


DOMAIN = Domain(
    "telemetry",
    routers=_routers,
    retention=_retention,
)
