"""The subject's copy (B01, GDPR art. 15 and 20): the extension point where each domain
contributes what it holds about a person. A hook returns the person's data of its domain
as plain JSON-ready values, read through the gate with the caller's context (purpose
`data_subject_request`). The export that calls them is `imbplus.compliance.rights`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from imbplus import plugin
from imbplus.privacy.access import Context

ExportHook = Callable[[Context, str], dict[str, Any]]
_EXPORTS: dict[str, ExportHook] = {}


def register_export(name: str, hook: ExportHook) -> None:
    _EXPORTS[name] = hook


def export_hooks() -> dict[str, ExportHook]:
    """Every domain's hook, in the order of the domains."""
    plugin.require("exports")
    return dict(_EXPORTS)
