"""Live check of the regulatory report (P03 regulatory_compliance): every report on the
disclosure register went to a registered authority, for regulatory compliance, on a
recorded legal basis, with the SHA-256 of its file. (Its suppression is held before
anything is written: `regulatory.build` refuses a table that would break it.)"""

from __future__ import annotations

import re

from sqlalchemy import select

from imbplus.privacy.checks import Outcome, not_exercised, register
from imbplus.privacy.disclosure import AUTHORITY, Disclosure
from imbplus.privacy.releases import REGULATORY_REPORT, Recipient
from imbplus.runtime import Runtime

SHA256 = re.compile(r"^[0-9a-f]{64}$")
NAMED = 5


def _why(row: Disclosure, authorities: set[str]) -> str | None:
    if row.recipient_kind != AUTHORITY or row.recipient_id not in authorities:
        return "not to a registered authority"
    if row.purpose != "regulatory_compliance":
        return f"under the purpose {row.purpose}"
    if not (row.legal_basis or "").strip():
        return "without a legal basis"
    if not SHA256.match(row.file_sha256 or ""):
        return "without its file's SHA-256"
    return None


@register(
    "P03",
    "Every regulatory report went to an authority on a recorded legal basis, with its hash",
)
def regulatory_reports_recorded(rt: Runtime) -> Outcome:
    with rt.sessions() as s:
        rows = list(
            s.execute(
                select(Disclosure)
                .where(Disclosure.dataset == REGULATORY_REPORT)
                .order_by(Disclosure.id)
            ).scalars()
        )
        authorities = set(
            s.execute(select(Recipient.id).where(Recipient.kind == AUTHORITY)).scalars()
        )
    if not rows:
        return not_exercised("no regulatory report has been handed over yet")
    breaches = [
        f"report {r.id} to {r.recipient_id}: {why}"
        for r in rows
        if (why := _why(r, authorities)) is not None
    ]
    return Outcome(
        not breaches,
        f"{len(rows)} regulatory reports, each to an authority with its legal basis and hash"
        if not breaches
        else "; ".join(breaches[:NAMED]),
        {"reports": len(rows), "unrecorded": len(breaches)},
    )
