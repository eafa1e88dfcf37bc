"""What the compliance features plug into the platform (see imbplus.plugin), with the
privacy core's own tables (the core declares tables but plugs in nothing itself)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from imbplus.plugin import Domain

if TYPE_CHECKING:
    from fastapi import APIRouter


def _tables() -> object:
    """The modules that declare its tables."""
    from imbplus.compliance import evidence_models, retention_models, rights_models  # noqa: F401
    from imbplus.privacy import (  # noqa: F401
        authority_requests,
        disclosure,
        incident_models,
        models,
        releases,
    )

    return disclosure


def _routers() -> Sequence[APIRouter]:
    from imbplus.compliance import (
        api,
        authority_pages,
        disclosure_pages,
        evidence_pages,
        incident_pages,
        pages,
        portal_copy,
        regulatory_pages,
        survey_release_pages,
    )

    return [
        api.router,
        pages.router,
        evidence_pages.router,
        incident_pages.router,
        disclosure_pages.router,
        authority_pages.router,
        survey_release_pages.router,
        regulatory_pages.router,
        portal_copy.router,
    ]


def _retention() -> object:
    """Its retention rules (P13)."""
    from imbplus.compliance import rights_retention

    return rights_retention


def _evidence() -> object:
    """Its evidence checks (B04)."""
    from imbplus.compliance import (  # noqa: F401
        evidence_accountability,
        evidence_authority,
        evidence_canary,
        evidence_checks,
        evidence_regulatory,
        evidence_retention,
    )

    return evidence_checks


DOMAIN = Domain(
    "compliance",
    tables=_tables,
    routers=_routers,
    retention=_retention,
    evidence=_evidence,
)
