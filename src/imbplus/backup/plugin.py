"""What the backup domain plugs into the platform (see imbplus.plugin)."""

from __future__ import annotations

from imbplus.plugin import Domain


def _evidence() -> object:
    """Its evidence checks (B04)."""
    from imbplus.backup import evidence

    return evidence


DOMAIN = Domain(
    "backup",
    evidence=_evidence,
)
