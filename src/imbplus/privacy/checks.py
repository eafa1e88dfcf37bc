"""Evidence checks (B04): the extension point where each domain declares, per clause of the
policy, a live check of the running system. A check looks at the system (database, files,
the web application) and never at a personal value; it returns an `Outcome`. The report
that runs them, keeps each run signed and shows the history is `imbplus.compliance.evidence`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from imbplus import plugin
from imbplus.privacy.clauses import CLAUSES


@dataclass
class Outcome:
    passed: bool
    detail: str
    figures: dict[str, Any] = field(default_factory=dict)
    exercised: bool = True  # False: nothing to look at yet; never counted as a pass


def not_exercised(detail: str, figures: dict[str, Any] | None = None) -> Outcome:
    """A check that found nothing to look at: a status of its own, never a pass (an empty
    pass would tell the DPO a promise holds where nothing showed it)."""
    return Outcome(False, f"not exercised: {detail}", figures or {}, exercised=False)


CheckFn = Callable[[Any], Outcome]  # takes the runtime (the layer above the core)


@dataclass(frozen=True)
class Check:
    clause: str
    title: str
    run: CheckFn


_CHECKS: list[Check] = []


def register(clause: str, title: str) -> Callable[[CheckFn], CheckFn]:
    if clause not in CLAUSES:
        raise ValueError(f"unknown clause {clause}")

    def wrap(fn: CheckFn) -> CheckFn:
        _CHECKS.append(Check(clause, title, fn))
        return fn

    return wrap


def checks() -> list[Check]:
    """Every domain's checks, by clause and title."""
    plugin.require("evidence")
    return sorted(_CHECKS, key=lambda c: (c.clause, c.title))
