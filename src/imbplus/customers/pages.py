"""Staff console pages for customers: search by e-mail or phone, open a record."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError

from imbplus.customers import service
from imbplus.customers.schemas import CustomerSearch
from imbplus.web.errors import validation_problems
from imbplus.web.guards import STAFF_PAGES
from imbplus.web.pages import ConsoleContext, User, render

router = APIRouter(prefix="/console/customers", include_in_schema=False, dependencies=STAFF_PAGES)


@router.get("")
def search_form(request: Request, user: User, ctx: ConsoleContext) -> Response:
    return render(
        request, "console/customers.html", user=user, purpose=ctx.purpose, results=None, problems=[]
    )


@router.post("")
def search(
    request: Request,
    user: User,
    ctx: ConsoleContext,
    query: Annotated[str, Form(max_length=320)],
) -> Response:
    query = query.strip()
    try:
        criteria = CustomerSearch(**({"email": query} if "@" in query else {"phone": query}))
    except ValidationError as exc:
        return render(
            request,
            "console/customers.html",
            422,
            user=user,
            purpose=ctx.purpose,
            results=None,
            problems=validation_problems(exc.errors()),
        )
    results = service.search(ctx, criteria)
    return render(
        request,
        "console/customers.html",
        user=user,
        purpose=ctx.purpose,
        results=results,
        problems=[],
    )


@router.get("/{customer_id}")
def view(request: Request, user: User, ctx: ConsoleContext, customer_id: str) -> Response:
    customer = service.get(ctx, customer_id)
    return render(
        request, "console/customer.html", user=user, purpose=ctx.purpose, customer=customer
    )
