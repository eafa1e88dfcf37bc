"""What the telemetry domain plugs into the platform (see imbplus.plugin)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from imbplus.plugin import Domain

if TYPE_CHECKING:
    from fastapi import APIRouter


def _routers() -> Sequence[APIRouter]:
    from imbplus.telemetry import api, device_pages, pages

    return [api.router, device_pages.router, pages.router]


def _retention() -> object:
    """Its retention rules (P13)."""
    from imbplus.telemetry import retention

    return retention


def _evidence() -> object:
    """Its evidence checks (B04): the boxes and their activity store."""
    from imbplus.telemetry import device_evidence

    return device_evidence


DOMAIN = Domain(
    "telemetry",
    routers=_routers,
    retention=_retention,
    evidence=_evidence,
)
