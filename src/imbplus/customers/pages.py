"""Staff console pages for customers: search by name, e-mail, phone or customer number;
open a record with what the other domains show of it (boxes, orders, subscription)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError

from imbplus.customers import sections, service
from imbplus.customers.schemas import CustomerSearch
from imbplus.privacy.access import Context
from imbplus.web import menu
from imbplus.web.errors import validation_problems
from imbplus.web.guards import STAFF_PAGES
from imbplus.web.pages import ConsoleContext, User, page_guard, render

router = APIRouter(prefix="/console/customers", include_in_schema=False, dependencies=STAFF_PAGES)
PAGE = menu.page("customers", "/console/customers", service.LIST_CATEGORIES, order=10)


def _page(
    request: Request,
    user: User,
    ctx: Context,
    status: int = 200,
    **view: object,
) -> Response:
    view = {"results": None, "problems": [], "kind": "", **view}
    return render(request, "console/customers.html", status, user=user, purpose=ctx.purpose, **view)


@router.get("", dependencies=[page_guard(PAGE)])
def search_form(request: Request, user: User, ctx: ConsoleContext) -> Response:
    return _page(request, user, ctx)


@router.post("", dependencies=[page_guard(PAGE)])
def search(
    request: Request,
    user: User,
    ctx: ConsoleContext,
    query: Annotated[str, Form(max_length=320)],
) -> Response:
    try:
        criteria = CustomerSearch.from_text(query)
    except ValidationError as exc:
        return _page(request, user, ctx, 422, problems=validation_problems(exc.errors()))
    kind = next(f for f in ("email", "phone", "name", "id") if getattr(criteria, f) is not None)
    return _page(request, user, ctx, results=service.search(ctx, criteria), kind=kind)


@router.get("/{customer_id}")
def view(request: Request, user: User, ctx: ConsoleContext, customer_id: str) -> Response:
    customer = service.get(ctx, customer_id)
    return render(
        request,
        "console/customer.html",
        user=user,
        purpose=ctx.purpose,
        customer=customer,
        sections=sections.for_customer(ctx, customer.id),
    )
