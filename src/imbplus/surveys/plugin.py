"""What the surveys domain plugs into the platform (see imbplus.plugin)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from imbplus.plugin import Domain

if TYPE_CHECKING:
    from fastapi import APIRouter


def _tables() -> object:
    """The modules that declare its tables."""
    from imbplus.surveys import models

    return models


def _routers() -> Sequence[APIRouter]:
    from imbplus.surveys import pages, portal_pages

    return [pages.router, portal_pages.portal_router, portal_pages.public_router]


def _erasure() -> object:
    """Its erasure hook (B01)."""
    from imbplus.surveys import erasure

    return erasure


def _exports() -> object:
    """Its part of the subject's copy (B01)."""
    from imbplus.surveys import rights

    return rights


def _retention() -> object:
    """Its retention rules (P13)."""
    from imbplus.surveys import retention

    return retention


def _evidence() -> object:
    """Its evidence checks (B04)."""
    from imbplus.surveys import evidence

    return evidence


def _reminders() -> object:
    """The invitations it lists on the portal home page."""
    from imbplus.surveys import invitations

    return invitations


def _suppressions() -> object:
    """Its outbox suppressions."""
    from imbplus.surveys import invitations

    return invitations


DOMAIN = Domain(
    "surveys",
    tables=_tables,
    routers=_routers,
    erasure=_erasure,
    exports=_exports,
    retention=_retention,
    evidence=_evidence,
    reminders=_reminders,
    suppressions=_suppressions,
)
