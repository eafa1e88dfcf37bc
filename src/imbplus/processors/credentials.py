"""Processors' own API credentials (P04): issued by the DPO or an admin, shown once, stored
as a SHA-256 of a 256-bit random token, scoped to (a subset of) the contract's
category:purpose pairs and expiring no later than the contract.

A contract that is ended or replaced cuts its credentials in the same transaction: an ended
contract revokes them, new terms narrow their scope and their expiry to the new ones. Every
such change bumps the `processor_credentials` generation, which every worker on every host
looks at within `processor_revocation_poll_s` (`processors/auth.py`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from imbplus.auth import generations
from imbplus.auth.sessions import token_hash
from imbplus.clock import clock
from imbplus.errors import NotFound, ValidationFailed
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category, Purpose
from imbplus.processors import service
from imbplus.processors.models import Processor, ProcessorCredential

TOKEN_PREFIX = "imbpr_"  # noqa: S105 - a prefix, not a secret
MAX_TOKEN_LEN = 100
Scope = frozenset[tuple[Category, Purpose]]


@dataclass(frozen=True)
class CredentialRead:
    id: int
    processor_id: str
    prefix: str
    scope: list[str]
    contract_ref: str
    issued_by: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    def live_at(self, at: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > at


@dataclass(frozen=True)
class Issued:
    credential: CredentialRead
    token: str  # shown once


def scope_text(scope: Scope) -> str:
    return "\n".join(sorted(f"{c.value}:{p.value}" for c, p in scope))


def scope_of(row: ProcessorCredential) -> Scope:
    return service.parse_scope(row.scope.split()) if row.scope.strip() else frozenset()


def _read(row: ProcessorCredential) -> CredentialRead:
    return CredentialRead(
        row.id,
        row.processor_id,
        row.prefix,
        row.scope.split(),
        row.contract_ref,
        row.issued_by,
        row.created_at,
        row.expires_at,
        row.revoked_at,
        row.last_used_at,
    )


def _oversee(ctx: Context, operation: str, action: Action = Action.WRITE) -> None:
    """Credentials are the DPO's and the admins' to give (security oversight)."""
    ctx.check(action, {Category.REFERENCE}, operation=operation)


def issue(
    ctx: Context,
    processor_id: str,
    *,
    scope: list[str] | None = None,
    expires_at: datetime | None = None,
) -> Issued:
    """A new credential for a processor whose contract is in force; `scope` (default: the
    whole contract) must lie within the contract, `expires_at` (default: the contract's
    end) no later than it."""
    _oversee(ctx, "processor.credential_issue")
    info = service.get(ctx, processor_id)
    now = clock.now()
    if not info.valid_at(now):
        raise ValidationFailed(
            [{"field": "processor", "problem": "its contract is not in force: nothing to issue"}]
        )
    wanted = service.parse_scope(scope) if scope else info.scope
    outside = sorted(f"{c.value}:{p.value}" for c, p in wanted - info.scope)
    if outside:
        problem = f"outside the contract: {', '.join(outside)}"
        raise ValidationFailed([{"field": "scope", "problem": problem}])
    until = expires_at or info.valid_until
    if not now < until <= info.valid_until:
        problem = "after now and no later than the contract's end"
        raise ValidationFailed([{"field": "expires", "problem": problem}])
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ProcessorCredential(
        processor_id=info.id,
        token_hash=token_hash(token),
        prefix=token[:12],
        scope=scope_text(wanted),
        contract_ref=info.contract_ref,
        issued_by=ctx.actor.label[:100],
        created_at=now,
        expires_at=until,
    )
    ctx.session.add(row)
    ctx.session.flush()
    ctx.note("processor.credential_issued", reason=f"processor:{info.id} credential:{row.id}")
    return Issued(_read(row), token)


def list_for(ctx: Context, processor_id: str | None = None) -> list[CredentialRead]:
    """Credentials (never a token or its hash), newest first."""
    _oversee(ctx, "processor.credential_list", Action.READ)
    stmt = select(ProcessorCredential).order_by(ProcessorCredential.id.desc())
    if processor_id:
        service.get(ctx, processor_id)
        stmt = stmt.where(ProcessorCredential.processor_id == processor_id)
    return [_read(r) for r in ctx.session.execute(stmt).scalars()]


def revoke(ctx: Context, credential_id: int) -> CredentialRead:
    """Revoke one credential: 401 on every worker and host within a second."""
    _oversee(ctx, "processor.credential_revoke")
    row = ctx.session.get(ProcessorCredential, credential_id)
    if row is None:
        raise NotFound("no processor credential with this id", credential=str(credential_id))
    if row.revoked_at is None:
        row.revoked_at = clock.now()
        ctx.session.flush()
        changed(ctx)
        reason = f"processor:{row.processor_id} credential:{row.id}"
        ctx.note("processor.credential_revoked", reason=reason)
    return _read(row)


def follow_contract(ctx: Context, row: Processor) -> int:
    """Cut the processor's live credentials to its contract as it now stands (called in the
    same transaction as every change of the contract): revoked when it is not in force,
    otherwise expiring by its end and scoped within it. Returns how many changed."""
    now = clock.now()
    terms = service.info_of(row)
    live = ctx.session.execute(
        select(ProcessorCredential).where(
            ProcessorCredential.processor_id == row.id,
            ProcessorCredential.revoked_at.is_(None),
            ProcessorCredential.expires_at > now,
        )
    ).scalars()
    count = 0
    for cred in live:
        kept = scope_of(cred) & terms.scope
        if not terms.valid_at(now) or not kept or cred.contract_ref != terms.contract_ref:
            cred.revoked_at = now
        elif kept != scope_of(cred) or cred.expires_at > terms.valid_until:
            cred.scope = scope_text(kept)
            cred.expires_at = min(cred.expires_at, terms.valid_until)
        else:
            continue
        count += 1
    if count:
        ctx.session.flush()
        changed(ctx)
        ctx.note("processor.credentials_cut", reason=f"processor:{row.id} count={count}")
    return count


def changed(ctx: Context) -> None:
    """Every worker's credential cache drops what it holds: this process now, the others
    within `processor_revocation_poll_s` of the commit."""
    from imbplus.processors import auth

    generations.bump(ctx.session, generations.PROCESSOR_CREDENTIALS)
    auth.forget_all()
