"""JSON routes for oversight: the processor registry and the disclosure register."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from imbplus.ids import UUID
from imbplus.privacy import disclosure
from imbplus.processors import service
from imbplus.web.deps import ApiContext
from imbplus.web.guards import STAFF_API
from imbplus.web.responses import API_ERRORS

router = APIRouter(
    prefix="/api/v1", tags=["processors"], responses=API_ERRORS, dependencies=STAFF_API
)


class ProcessorRead(BaseModel):
    id: str
    name: str
    kind: str
    contract_ref: str
    scope: list[str]
    valid_from: datetime
    valid_until: datetime


class DisclosureRead(BaseModel):
    id: int
    at: datetime
    recipient_kind: str
    recipient_id: str
    contract_ref: str
    purpose: str
    categories: list[str]
    fields: list[str]
    subject_id: str | None
    reference: str
    actor: str
    sandbox: bool  # a sandbox adapter took it: nothing left this machine
    processor_ref: str | None  # the processor's own reference (e.g. its message id)


@router.get("/processors")
def list_processors(ctx: ApiContext) -> list[ProcessorRead]:
    """Processors, their contracts and scope (oversight: `security` purpose)."""
    return [
        ProcessorRead(
            id=p.id,
            name=p.name,
            kind=p.kind,
            contract_ref=p.contract_ref,
            scope=sorted(f"{c.value}:{u.value}" for c, u in p.scope),
            valid_from=p.valid_from,
            valid_until=p.valid_until,
        )
        for p in service.list_for_oversight(ctx)
    ]


@router.get("/disclosures")
def list_disclosures(
    ctx: ApiContext,
    subject_id: Annotated[str | None, Query(pattern=UUID)] = None,
    recipient_id: Annotated[str | None, Query(pattern=service.PROCESSOR_ID.pattern)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[DisclosureRead]:
    """Every hand-over of personal data to a processor (P04); `sandbox` marks what a
    sandbox adapter took, which never left this machine."""
    rows = disclosure.register_rows(
        ctx, subject_id=subject_id, recipient_id=recipient_id, limit=limit
    )
    return [DisclosureRead(**r.__dict__) for r in rows]
