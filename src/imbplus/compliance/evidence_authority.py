"""The live check of P07: authorities received data only on a recorded, approved legal
basis, within the approved scope.

Read from the disclosure register, the register of authority requests, the bundles on disk
and the audit trail; never a personal value. For every disclosure to an authority:
- a request on the register was fulfilled by it, with a legal basis, entered by one person
  and approved by another;
- the bundle's file is there and its SHA-256 is the one on the register (and the request's);
- nothing left outside the request's scope: the disclosure's categories are among those
  approved, it names no more people than the request, and every audit record of the
  fulfilment about a person is about one in the request's scope.
A request marked fulfilled that is not on the disclosure register is named too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from imbplus.privacy.authority_requests import (
    APPROVED,
    CLOSED,
    FULFILLED,
    AuthorityRequest,
    AuthorityRequestSubject,
)
from imbplus.privacy.checks import Outcome, not_exercised, register
from imbplus.privacy.disclosure import AUTHORITY, Disclosure
from imbplus.privacy.models import AuditRecord
from imbplus.privacy.releases import REGULATORY_REPORT
from imbplus.runtime import Runtime

NAMED = 5


def _sha256(path: Path) -> str | None:
    if not path.is_file():
        return None
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _scope(session: Session, request_id: int) -> set[str]:
    return set(
        session.execute(
            select(AuthorityRequestSubject.customer_id).where(
                AuthorityRequestSubject.request_id == request_id
            )
        ).scalars()
    )


def _touched(session: Session, request_id: str | None) -> set[str]:
    """The people the fulfilment's unit of work recorded anything about."""
    if not request_id:
        return set()
    stmt = select(AuditRecord.subject_id).where(
        AuditRecord.request_id == request_id, AuditRecord.subject_id.is_not(None)
    )
    return {s for s in session.execute(stmt).scalars() if s}


def _split(text: str) -> set[str]:
    return {c for c in text.split(",") if c}


def _judge(session: Session, row: Disclosure, req: AuthorityRequest | None, root: Path) -> str:
    """What is wrong with one disclosure to an authority ('' when nothing)."""
    if req is None:
        return "no request on the register"
    if req.status not in (FULFILLED, CLOSED) or req.decided_at is None:
        return f"its request is {req.status}, never approved"
    if not req.legal_basis.strip() or not (row.legal_basis or "").strip():
        return "no legal basis"
    if not req.decided_by or req.decided_by == req.entered_by:
        return "approved by the person who entered it"
    on_disk = _sha256(root / (req.bundle_name or "-"))
    if on_disk is None:
        return "the bundle's file is missing"
    if on_disk != row.file_sha256 or row.file_sha256 != req.bundle_sha256:
        return "the bundle's SHA-256 is not the one on the register"
    if not _split(row.categories) <= _split(req.categories):
        return "categories outside the approved scope"
    scope = _scope(session, req.id)
    if (row.subject_count or 0) > len(scope) or not _touched(session, req.fulfil_request_id) <= (
        scope
    ):
        return "people outside the approved scope"
    return ""


def _fulfilled_unrecorded(requests: Iterable[AuthorityRequest], recorded: set[int]) -> list[int]:
    return [r.id for r in requests if r.bundle_sha256 and r.disclosure_id not in recorded]


@register("P07", "Authorities received data only on a recorded, approved legal basis")
def authorities_on_legal_basis(rt: Runtime) -> Outcome:
    root = Path(rt.settings.data_dir) / "authority"
    with rt.sessions() as s:
        rows = list(
            s.execute(
                select(Disclosure)
                .where(
                    Disclosure.recipient_kind == AUTHORITY,
                    # the yearly regulatory report holds suppressed counts, no personal data;
                    # its own check (P03) judges it
                    or_(Disclosure.dataset.is_(None), Disclosure.dataset != REGULATORY_REPORT),
                )
                .order_by(Disclosure.id)
            ).scalars()
        )
        requests = list(s.execute(select(AuthorityRequest)).scalars())
        by_disclosure = {r.disclosure_id: r for r in requests if r.disclosure_id is not None}
        problems = [
            f"hand-over {row.id} to {row.recipient_id}: {why}"
            for row in rows
            if (why := _judge(s, row, by_disclosure.get(row.id), root))
        ]
    unrecorded = _fulfilled_unrecorded(requests, {r.id for r in rows})
    problems += [f"request {rid} fulfilled, not on the disclosure register" for rid in unrecorded]
    figures = {
        "disclosures": len(rows),
        "requests": len(requests),
        "approved_waiting": sum(1 for r in requests if r.status == APPROVED),
        "problems": len(problems),
    }
    if not rows and not problems:
        return not_exercised("no authority has received data", figures)
    return Outcome(
        not problems,
        f"{len(rows)} disclosures to authorities, each on an approved request (two people, "
        "a legal basis), its bundle's hash matching, within the approved scope"
        if not problems
        else "; ".join(problems[:NAMED]),
        figures,
    )
