"""A processor calling its feeds (P04): its credential checked on every request, cached per
worker, with every revocation and contract change reaching all workers within a second.

A worker trusts a checked credential for `processor_token_cache_s` seconds, but compares its
expiry (the credential's, cut to the contract's end) with the clock on every request, so an
expired credential answers 401 at once. A revocation, an ended contract or new contract
terms clear this worker's cache at once and bump the `processor_credentials` generation,
which every other worker, on any host, looks at every `processor_revocation_poll_s`.
"""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from imbplus.auth import generations
from imbplus.auth.sessions import token_hash
from imbplus.clock import clock
from imbplus.errors import Unauthenticated
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import ActorKind, Category, Purpose
from imbplus.processors import credentials, service
from imbplus.processors.models import Processor, ProcessorCredential
from imbplus.runtime import Runtime
from imbplus.web import audiences
from imbplus.web.deps import Db, get_runtime

MAX_ENTRIES = 100_000


@dataclass(frozen=True)
class Caller:
    """A processor as its credential lets it act: the contract's scope cut to the
    credential's, valid until the earlier of the two ends (the disclosure register's
    `ProcessorInfo`)."""

    id: str
    kind: str
    contract_ref: str
    credential_id: int
    scope: frozenset[tuple[Category, Purpose]]
    valid_from: datetime
    valid_until: datetime
    checked: float = 0.0  # monotonic time of the database check

    def valid_at(self, at: datetime) -> bool:
        return self.valid_from <= at < self.valid_until

    def actor(self, at: datetime | None = None) -> Actor:
        scope = self.scope if self.valid_at(at or clock.now()) else frozenset()
        return Actor(ActorKind.PROCESSOR, self.id, ("processor",), scope=scope)

    def context(self, session: Session, rt: Runtime, purpose: Purpose, request_id: str) -> Context:
        return Context(session, rt, self.actor(), purpose, request_id)


_caches: weakref.WeakSet[CredentialCache] = weakref.WeakSet()


def forget_all() -> None:
    """Drop every cached credential of this process (revocation, contract change)."""
    for cache in list(_caches):
        cache.clear()


class CredentialCache:
    def __init__(self, rt: Runtime) -> None:
        self.ttl = rt.settings.processor_token_cache_s
        self._entries: dict[str, Caller] = {}
        self._lock = threading.Lock()
        self._epoch = 0
        self._changes = generations.Watcher(
            rt.engine, generations.PROCESSOR_CREDENTIALS, rt.settings.processor_revocation_poll_s
        )
        _caches.add(self)

    def clear(self) -> None:
        with self._lock:
            self._epoch += 1
            self._entries.clear()

    def authenticate(self, session: Session, token: str | None) -> Caller:
        if not token or not token.startswith(credentials.TOKEN_PREFIX):
            raise Unauthenticated(
                "a processor credential is required (Authorization: Bearer imbpr_...)"
            )
        if len(token) > credentials.MAX_TOKEN_LEN:
            raise Unauthenticated("malformed processor credential")
        if self._changes.changed():
            self.clear()
        digest = token_hash(token)
        now = time.monotonic()
        hit = self._entries.get(digest)
        if hit is None or hit.checked + self.ttl <= now:
            epoch = self._epoch
            hit = replace(_load(session, digest), checked=now)
            with self._lock:
                if len(self._entries) > MAX_ENTRIES:
                    self._entries.clear()
                if epoch == self._epoch:  # not cleared while it loaded: not stale
                    self._entries[digest] = hit
        at = clock.now()
        if at >= hit.valid_until:
            raise Unauthenticated("processor credential expired, or its contract ended")
        if at < hit.valid_from:
            raise Unauthenticated("the processor's contract is not in force yet")
        return hit


def _load(session: Session, digest: str) -> Caller:
    found = session.execute(
        select(ProcessorCredential, Processor)
        .join(Processor, Processor.id == ProcessorCredential.processor_id)
        .where(ProcessorCredential.token_hash == digest)
    ).first()
    if found is None:
        raise Unauthenticated("invalid processor credential")
    cred, row = found
    if cred.revoked_at is not None:
        raise Unauthenticated("processor credential revoked")
    if cred.contract_ref != row.contract_ref:
        raise Unauthenticated("processor credential of an earlier contract")
    now = clock.now()
    if cred.last_used_at is None or now - cred.last_used_at > timedelta(minutes=5):
        cred.last_used_at = now
    contract = service.info_of(row)
    return Caller(
        id=row.id,
        kind=row.kind,
        contract_ref=row.contract_ref,
        credential_id=cred.id,
        scope=credentials.scope_of(cred) & contract.scope,
        valid_from=contract.valid_from,
        valid_until=min(cred.expires_at, contract.valid_until),
    )


def cache_for(holder: object, rt: Runtime) -> CredentialCache:
    """The process's credential cache, kept on `holder` (the app state)."""
    found = getattr(holder, "processor_credentials", None)
    if found is None:
        found = CredentialCache(rt)
        setattr(holder, "processor_credentials", found)  # noqa: B010
    return found


_bearer = HTTPBearer(auto_error=False, description="Processor credential (imbpr_...)")


def processor_caller(
    request: Request,
    session: Db,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """The processor behind the request's credential (401 otherwise)."""
    token = bearer.credentials if bearer and bearer.scheme.lower() == "bearer" else None
    return cache_for(request.app.state, get_runtime(request)).authenticate(session, token)


audiences.register(processor_caller, "processor")
ProcessorCaller = Annotated[Caller, Depends(processor_caller)]
PROCESSOR_API = (Depends(processor_caller),)
