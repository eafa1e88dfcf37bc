"""Datasets handed over as files (P01, P06): to a third party, or to an authority.

The recipients that are not processors are registered here (`recipients`: a market-research
partner, a regulator), each with its kind and the agreement or basis it receives under.
`disclose` is the one way a dataset leaves to one of them: the gate decides (the actor must
be allowed to export those categories for the purpose), and the register row names the
recipient and its kind, the purpose, the legal basis, the dataset, its categories and
columns, how many people it is about, the SHA-256 of the file and, for an anonymized
release, its k, l and re-identification risk.

A third party receives anonymized data only: a release without a k of at least 2, or with
a category that identifies by itself (`catalog.IDENTIFYING`), is refused with the reason,
and the refusal is audited (it survives a rollback).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from imbplus.clock import clock
from imbplus.db import Base, UTCDateTime
from imbplus.errors import AccessDenied, Conflict, NotFound, ValidationFailed
from imbplus.privacy import audit
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import IDENTIFYING, Action, Category, classify
from imbplus.privacy.catalog import Protection as P
from imbplus.privacy.disclosure import AUTHORITY, THIRD_PARTY, Disclosure


class Recipient(Base):
    """A recipient that is not a processor: a third party or an authority (P01)."""

    __tablename__ = "recipients"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # third_party | authority
    agreement_ref: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


_REF = (Category.REFERENCE, P.PLAIN)
classify(
    Recipient.__table__,  # type: ignore[arg-type]
    {
        "id": (*_REF, "Recipient id (slug)."),
        "name": (*_REF, "Name of the organisation."),
        "kind": (*_REF, "third_party or authority."),
        "agreement_ref": (*_REF, "Data-sharing agreement, or the authority's legal basis."),
        "created_at": (*_REF, "Registered."),
    },
)

KINDS = (THIRD_PARTY, AUTHORITY)
# the yearly aggregate report to the regulator (P03): counts only, small cells suppressed
REGULATORY_REPORT = "regulatory_report"


class DisclosureRefused(AccessDenied):
    """A dataset that the recipient may not receive (identifiable data to a third party)."""

    code = "disclosure_refused"


@dataclass(frozen=True)
class Release:
    """What is handed over: never a value, only what describes it."""

    dataset: str
    categories: tuple[Category, ...]
    fields: tuple[str, ...]
    subject_count: int
    file_sha256: str
    k: int | None = None  # None: not anonymized
    l: int | None = None  # noqa: E741  (the model's name)
    risk_max: float | None = None
    risk_avg: float | None = None


def add_recipient(ctx: Context, recipient_id: str, name: str, kind: str, agreement: str) -> None:
    ctx.check(Action.WRITE, {Category.REFERENCE}, operation="recipient.add")
    problems = []
    if kind not in KINDS:
        problems.append({"field": "kind", "problem": f"one of {', '.join(KINDS)}"})
    if not recipient_id or len(recipient_id) > 64 or not recipient_id.replace("-", "").isalnum():
        problems.append({"field": "id", "problem": "a slug of letters, digits and -"})
    if not name.strip() or not agreement.strip():
        problems.append({"field": "name/agreement", "problem": "required"})
    if problems:
        raise ValidationFailed(problems)
    if ctx.session.get(Recipient, recipient_id) is not None:
        raise Conflict("this recipient is already registered", recipient=recipient_id)
    ctx.session.add(
        Recipient(
            id=recipient_id,
            name=name.strip()[:200],
            kind=kind,
            agreement_ref=agreement.strip()[:100],
            created_at=clock.now(),
        )
    )
    ctx.session.flush()


def recipient(session: Session, recipient_id: str) -> Recipient:
    found = session.get(Recipient, recipient_id)
    if found is None:
        raise NotFound("unknown recipient", recipient=recipient_id[:64])
    return found


def recipients(session: Session, kind: str | None = None) -> list[Recipient]:
    stmt = select(Recipient).order_by(Recipient.kind, Recipient.id)
    if kind:
        stmt = stmt.where(Recipient.kind == kind)
    return list(session.execute(stmt).scalars())


def why_not_anonymous(k: int | None, categories: Iterable[str]) -> str | None:
    """Why a release may not go to a third party (None: it may); the evidence uses it too."""
    if k is None or k < 2:
        return "not anonymized (no k of at least 2)"
    named = sorted(c for c in categories if c in {i.value for i in IDENTIFYING})
    if named:
        return f"identifying categories ({', '.join(named)})"
    return None


def _refuse(ctx: Context, to: Recipient, release: Release, why: str) -> DisclosureRefused:
    audit.queue(
        ctx.session,
        [
            ctx._entry(
                f"disclose.{to.kind}",
                ",".join(sorted(c.value for c in release.categories)),
                None,
                "denied",
                f"{why}: {release.dataset} to {to.id}",
                ",".join(ctx.actor.roles),
                keep=True,
            )
        ],
    )
    return DisclosureRefused(
        f"a third party receives anonymized data only: {why}",
        recipient=to.id,
        dataset=release.dataset,
        reason=why,
    )


def disclose(
    ctx: Context,
    to: Recipient,
    release: Release,
    *,
    legal_basis: str,
    reference: str,
    subjects: Sequence[str] = (),
) -> int:
    """Decide, then record one dataset handed to `to`; returns the register row's id.
    `subjects`: the people an identifiable dataset is about (an authority's bundle): the
    decision names each of them, so that each sees it in their log (B02).

    Raises DisclosureRefused (audited) for identifiable data to a third party, and
    AccessDenied (audited) when the actor may not export those categories for the purpose.
    """
    cats = tuple(sorted(set(release.categories)))
    if to.kind == THIRD_PARTY:
        why = why_not_anonymous(release.k, (c.value for c in cats))
        if why:
            raise _refuse(ctx, to, release, why)
    elif to.kind != AUTHORITY:
        raise ValidationFailed(
            [{"field": "recipient", "problem": "not a third party or authority"}]
        )
    ctx.check(
        Action.EXPORT,
        cats,
        operation=f"disclose.{to.kind}",
        subjects=list(subjects) or [None],
        reason=release.dataset,
    )
    row = Disclosure(
        at=clock.now(),
        recipient_kind=to.kind,
        recipient_id=to.id,
        recipient_name=to.name,
        contract_ref=to.agreement_ref,
        purpose=ctx.purpose.value,
        legal_basis=legal_basis[:100],
        categories=",".join(c.value for c in cats),
        fields=",".join(release.fields)[:255],
        subject_id=None,
        reference=reference[:100],
        actor=ctx.actor.label[:100],
        request_id=ctx.request_id,
        sandbox=False,
        dataset=release.dataset,
        subject_count=release.subject_count,
        file_sha256=release.file_sha256,
        k_anonymity=release.k,
        l_diversity=release.l,
        risk_max=release.risk_max,
        risk_avg=release.risk_avg,
    )
    ctx.session.add(row)
    ctx.session.flush()
    return row.id
