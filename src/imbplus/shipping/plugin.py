"""What the shipping domain plugs into the platform (see imbplus.plugin)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from imbplus.plugin import Domain

if TYPE_CHECKING:
    from fastapi import APIRouter


def _tables() -> object:
    """The modules that declare its tables."""
    from imbplus.shipping import anchors, models  # noqa: F401

    return anchors


def _routers() -> Sequence[APIRouter]:
    from imbplus.shipping import api, feed_api, pages

    return [api.router, feed_api.router, pages.router]


def _retention() -> object:
    """Its retention rules (P13)."""
    from imbplus.shipping import purge

    return purge


def _evidence() -> object:
    """Its evidence checks (B04)."""
    from imbplus.shipping import evidence, evidence_contact  # noqa: F401

    return evidence


DOMAIN = Domain(
    "shipping",
    tables=_tables,
    routers=_routers,
    retention=_retention,
    evidence=_evidence,
)
