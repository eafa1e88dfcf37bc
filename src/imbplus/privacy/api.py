"""JSON routes of the privacy core: the audit trail and the catalogue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from imbplus.privacy.trail import TrailRecord, read_trail
from imbplus.web.deps import ApiContext
from imbplus.web.responses import API_ERRORS

router = APIRouter(prefix="/api/v1", tags=["privacy"], responses=API_ERRORS)


@router.get("/audit")
def audit_trail(
    ctx: ApiContext,
    subject_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before_seq: Annotated[int | None, Query(ge=1)] = None,
) -> list[TrailRecord]:
    return read_trail(ctx, subject_id=subject_id, limit=limit, before_seq=before_seq)
