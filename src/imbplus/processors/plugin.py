"""What the processors domain plugs into the platform (see imbplus.plugin)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from imbplus.plugin import Domain

if TYPE_CHECKING:
    from fastapi import APIRouter


def _tables() -> object:
    """The modules that declare its tables."""
    from imbplus.processors import models

    return models


def _routers() -> Sequence[APIRouter]:
    from imbplus.processors import api, pages

    return [api.router, pages.router]


def _evidence() -> object:
    """Its evidence checks (B04)."""
    from imbplus.processors import evidence

    return evidence


DOMAIN = Domain(
    "processors",
    tables=_tables,
    routers=_routers,
    evidence=_evidence,
)
