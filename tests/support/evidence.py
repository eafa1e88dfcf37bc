"""Run one evidence check by its title, as the report would, without running them all."""

from __future__ import annotations

from typing import Any

from imbplus.compliance import evidence
from imbplus.runtime import Runtime


def check(rt: Runtime, title: str) -> dict[str, Any]:
    """{"status", "detail", "figures"} of the check with this title."""
    found = [c for c in evidence.checks() if c.title == title]
    assert len(found) == 1, f"no single check titled {title!r}"
    outcome = found[0].run(rt)
    status = "not_exercised" if not outcome.exercised else "pass" if outcome.passed else "fail"
    return {"status": status, "detail": outcome.detail, "figures": outcome.figures}
