"""What the site domain plugs into the platform (see imbplus.plugin)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from imbplus.plugin import Domain

if TYPE_CHECKING:
    from fastapi import APIRouter


def _tables() -> object:
    """The modules that declare its tables."""
    from imbplus.site import models

    return models


def _routers() -> Sequence[APIRouter]:
    from imbplus.site import consent_pages, console, contact_pages, pages, policy_pages

    return [
        pages.router,
        consent_pages.router,
        policy_pages.router,
        contact_pages.router,
        console.router,
    ]


def _retention() -> object:
    """Its retention rules (P13)."""
    from imbplus.site import retention

    return retention


def _evidence() -> object:
    """Its evidence checks (B04)."""
    from imbplus.site import evidence, evidence_public  # noqa: F401

    return evidence


DOMAIN = Domain(
    "site",
    tables=_tables,
    routers=_routers,
    retention=_retention,
    evidence=_evidence,
)
