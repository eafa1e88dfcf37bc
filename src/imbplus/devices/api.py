"""JSON routes for set-top boxes (staff) and for the box itself (provisioning)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from imbplus.devices import service
from imbplus.devices.schemas import (
    AssignmentRead,
    DeviceAssign,
    DeviceCreate,
    DeviceListItem,
    DeviceLookup,
    DevicePage,
    DeviceRead,
    DeviceUpdate,
    Provisioning,
    Status,
    TokenIssued,
)
from imbplus.devices.tokens import DeviceAuth, cache_for, device_actor
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Purpose
from imbplus.web import audiences
from imbplus.web.deps import ApiContext, Db, get_runtime
from imbplus.web.guards import STAFF_API, Audience
from imbplus.web.responses import API_ERRORS


def box_context(request: Request, session: Db) -> Context:
    """The box itself, authenticated by its telemetry token."""
    rt = get_runtime(request)
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    auth: DeviceAuth = cache_for(request.app.state, rt).authenticate(
        token.strip() if scheme.lower() == "bearer" else None
    )
    return Context(
        session,
        rt,
        device_actor(auth.device_id),
        Purpose.SERVICE_DELIVERY,
        request.state.request_id,
    )


audiences.register(box_context, "box")
BoxContext = Annotated[Context, Depends(box_context)]
DEVICE: Audience = (Depends(box_context),)
box = APIRouter(
    prefix="/api/v1/devices", tags=["devices"], responses=API_ERRORS, dependencies=DEVICE
)
staff = APIRouter(
    prefix="/api/v1/devices", tags=["devices"], responses=API_ERRORS, dependencies=STAFF_API
)


@staff.post("", status_code=201)
def register_device(ctx: ApiContext, body: DeviceCreate) -> DeviceRead:
    return service.register(ctx, body)


@staff.get("")
def list_devices(
    ctx: ApiContext,
    status: Status | None = None,
    customer_id: Annotated[str | None, Query(max_length=36)] = None,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> DevicePage:
    return service.list_page(
        ctx, status=status, customer_id=customer_id, limit=limit, cursor=cursor
    )


@staff.post("/lookup")
def lookup_device(ctx: ApiContext, body: DeviceLookup) -> list[DeviceListItem]:
    """Exact lookup by serial number or MAC address."""
    return service.lookup(ctx, body)


@box.get("/me/provisioning")
def provisioning(ctx: BoxContext) -> Provisioning:
    """For the box (device token): the argon2id hashes of the customer's PIN and box
    password, so the box checks them locally. The secrets themselves are never stored."""
    return service.provisioning(ctx, ctx.actor.id.removeprefix("device:"))


@staff.get("/{device_id}")
def get_device(ctx: ApiContext, device_id: str) -> DeviceRead:
    return service.get(ctx, device_id)


@staff.patch("/{device_id}")
def update_device(ctx: ApiContext, device_id: str, body: DeviceUpdate) -> DeviceListItem:
    return service.update_device(ctx, device_id, body)


@staff.post("/{device_id}/assign")
def assign_device(ctx: ApiContext, device_id: str, body: DeviceAssign) -> DeviceRead:
    return service.assign(ctx, device_id, body)


@staff.get("/{device_id}/assignments")
def device_history(ctx: ApiContext, device_id: str) -> list[AssignmentRead]:
    return service.history(ctx, device_id)


@staff.post("/{device_id}/token", status_code=201)
def issue_device_token(ctx: ApiContext, device_id: str) -> TokenIssued:
    """A new telemetry token for the box (shown once); older ones are revoked."""
    return service.issue_token(ctx, device_id)


@staff.delete("/{device_id}/token", status_code=204)
def revoke_device_tokens(ctx: ApiContext, device_id: str) -> None:
    service.revoke_tokens(ctx, device_id)


router = APIRouter()
router.include_router(box)  # before the staff routes: `/me/...` is not a device id
router.include_router(staff)
