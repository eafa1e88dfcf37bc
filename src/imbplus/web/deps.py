"""Request-scoped dependencies: the unit of work and the API caller's context."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from imbplus.errors import Unauthenticated
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import parse_purpose
from imbplus.runtime import Runtime
from imbplus.web import principals


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def unit_of_work(request: Request) -> Iterator[Session]:
    """The request owns the transaction: commit before the response is sent, or roll back.
    GET and HEAD only read (their audit records aside): they do not queue on SQLite's
    write lock (`Runtime.unit_of_work(reading=True)`)."""
    reading = request.method in _READING_METHODS
    with get_runtime(request).unit_of_work(reading=reading) as session:
        yield session


_READING_METHODS = frozenset({"GET", "HEAD"})
Db = Annotated[Session, Depends(unit_of_work, scope="function")]
_bearer = HTTPBearer(auto_error=False, description="Staff API token (imbst_...)")


def api_actor(
    request: Request,
    session: Db,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("an API token is required (Authorization: Bearer ...)")
    gate = get_runtime(request).gate
    return principals.of(request).staff_for_token(session, credentials.credentials, gate)


def api_context(
    request: Request,
    session: Db,
    actor: Annotated[Actor, Depends(api_actor)],
    x_purpose: Annotated[
        str | None,
        Header(alias="X-Purpose", max_length=64, description="Purpose of this access (P03)"),
    ] = None,
) -> Context:
    return Context(
        session=session,
        platform=get_runtime(request),
        actor=actor,
        purpose=parse_purpose(x_purpose),
        request_id=request.state.request_id,
    )


ApiContext = Annotated[Context, Depends(api_context)]
