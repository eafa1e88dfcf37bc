"""JSON routes of the compliance features: the audit trail, data-subject requests and the
subject's copy."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from imbplus.bounds import RowId, SeqNo
from imbplus.compliance import rights
from imbplus.compliance.rights_models import SubjectRequest
from imbplus.privacy.trail import TrailRecord, read_trail
from imbplus.web.deps import ApiContext
from imbplus.web.guards import STAFF_API
from imbplus.web.responses import API_ERRORS

router = APIRouter(prefix="/api/v1", tags=["privacy"], responses=API_ERRORS, dependencies=STAFF_API)


@router.get("/audit")
def audit_trail(
    ctx: ApiContext,
    subject_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before_seq: Annotated[SeqNo | None, Query()] = None,
) -> list[TrailRecord]:
    return read_trail(ctx, subject_id=subject_id, limit=limit, before_seq=before_seq)


class RequestOpen(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    customer_id: str = Field(max_length=64)
    kind: Literal["access", "portability", "rectification", "erasure", "objection"]
    channel: Literal["portal", "email", "post", "phone"]


class RequestClose(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    status: Literal["done", "refused"]
    outcome: str = Field(max_length=500)


class RequestRead(BaseModel):
    id: int
    customer_id: str
    kind: str
    channel: str
    status: str
    received_at: datetime
    due_at: datetime
    completed_at: datetime | None
    outcome: str
    overdue: bool


def _read(request: SubjectRequest) -> RequestRead:
    return RequestRead(
        id=request.id,
        customer_id=request.customer_id,
        kind=request.kind,
        channel=request.channel,
        status=request.status,
        received_at=request.received_at,
        due_at=request.due_at,
        completed_at=request.completed_at,
        outcome=request.outcome,
        overdue=rights.overdue(request),
    )


@router.post("/rights/requests", status_code=201)
def open_request(ctx: ApiContext, body: RequestOpen) -> RequestRead:
    """Register a data-subject request; it is due one month after receipt (B01)."""
    return _read(rights.open_request(ctx, body.customer_id, body.kind, body.channel))


@router.get("/rights/requests")
def list_requests(ctx: ApiContext) -> list[RequestRead]:
    return [_read(r) for r in rights.open_requests(ctx)]


@router.post("/rights/requests/{request_id}/close")
def close_request(ctx: ApiContext, request_id: RowId, body: RequestClose) -> RequestRead:
    return _read(rights.close_request(ctx, request_id, status=body.status, outcome=body.outcome))


@router.get("/customers/{customer_id}/export", tags=["customers"])
def export_customer(ctx: ApiContext, customer_id: str) -> dict[str, Any]:
    """Everything held about the person, machine-readable (access and portability, B01);
    purpose `data_subject_request`."""
    return rights.export(ctx, customer_id)
