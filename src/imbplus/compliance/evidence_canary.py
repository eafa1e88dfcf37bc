"""P05 live check: the canary subject's values appear in no store in plain text.

The canary (compliance/canary.py) is planted through the normal services; this check reads
every store in full (database, its files, logs, backups, telemetry, every file under the
data directory, error pages) for each of its values in every common form, and fails
naming the store and the kind of value, never the value.
"""

from __future__ import annotations

from imbplus.compliance import canary, canary_scan
from imbplus.compliance.evidence import Outcome, not_exercised, register
from imbplus.runtime import Runtime

TITLE = "No canary value appears in plain text in any store"


@register("P05", TITLE)
def canary_nowhere_in_plain(rt: Runtime) -> Outcome:
    if canary.customer_id(rt) is None:
        return not_exercised("no canary is planted (run `imbplus canary plant`)")
    result = canary_scan.scan(rt)
    figures = result.figures()
    if not result.findings:
        return Outcome(
            True,
            f"{len(canary.KINDS)} kinds of value in {figures['value_forms']} forms, none "
            f"found in {result.rows:,} rows of {result.tables} tables, {result.files} files "
            f"and {result.error_pages} error pages ({result.bytes:,} bytes, "
            f"{result.seconds:.1f} s)",
            figures,
        )
    by_store: dict[str, list[str]] = {}
    for store, kind in sorted(result.findings):
        by_store.setdefault(store, []).append(kind)
    figures["findings"] = len(result.findings)
    shown = "; ".join(f"{', '.join(kinds)} in {store}" for store, kinds in by_store.items())
    return Outcome(False, f"canary values in plain text: {shown}", figures)
