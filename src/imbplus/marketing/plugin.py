"""What the marketing domain plugs into the platform (see imbplus.plugin)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from imbplus.plugin import Domain

if TYPE_CHECKING:
    from fastapi import APIRouter


def _tables() -> object:
    """The modules that declare its tables."""
    from imbplus.marketing import models

    return models


def _routers() -> Sequence[APIRouter]:
    from imbplus.marketing import pages, portal_pages

    return [pages.router, portal_pages.portal_router, portal_pages.link_router]


def _exports() -> object:
    """Its part of the subject's copy (B01): objections and campaigns received."""
    from imbplus.marketing import rights

    return rights


def _evidence() -> object:
    """Its evidence checks (B04)."""
    from imbplus.marketing import evidence

    return evidence


def _suppressions() -> object:
    """Queued campaign messages are cancelled for a customer who objected since."""
    from imbplus.marketing import objections

    return objections


DOMAIN = Domain(
    "marketing",
    tables=_tables,
    routers=_routers,
    exports=_exports,
    evidence=_evidence,
    suppressions=_suppressions,
)
