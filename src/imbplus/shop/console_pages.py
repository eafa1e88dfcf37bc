"""Staff console pages for billing (P03 billing and credit, P20): recent orders and
invoices, one order, one invoice with its payments and PDF, a customer's billing account
(orders, invoices, saved cards) and the postpaid credit decision with its reasons.

Every page reads through the services, so the gate decides: invoices, orders and cards for
the `billing` purpose, the credit decision for `credit` only. Card numbers are shown masked.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from imbplus.billing import cards, credit, documents, invoices
from imbplus.bounds import Flag
from imbplus.customers import sections
from imbplus.customers import service as customers
from imbplus.errors import DomainError
from imbplus.money import pln
from imbplus.privacy.catalog import Category, Purpose
from imbplus.runtime import rollback_keeping_evidence
from imbplus.shop import billing_run, catalog, orders, reading
from imbplus.shop.forms import OrderFields
from imbplus.shop.schemas import OrderCreate
from imbplus.web import menu
from imbplus.web.errors import validation_problems
from imbplus.web.guards import STAFF_PAGES
from imbplus.web.pages import ConsoleContext, User, page_guard, render, require_page
from imbplus.web.responses import pdf_file

router = APIRouter(prefix="/console/billing", include_in_schema=False, dependencies=STAFF_PAGES)
# the list of every customer's orders and invoices serves billing; others (support, the DPO)
# see one customer's part on the customer's record
PAGE = menu.page(
    "billing", "/console/billing", {Category.BILLING_RECORD}, serves={Purpose.BILLING}, order=50
)
ACCOUNT = menu.page(
    "billing_account",
    "/console/billing/customers/{id}",
    {*customers.ALL_CATEGORIES, *reading.ORDER_CATEGORIES},
    in_menu=False,
)
ORDER = menu.page(
    "billing_order", "/console/billing/orders/{id}", reading.ORDER_CATEGORIES, in_menu=False
)
sections.register(
    "orders", "console/_customer_orders.html", {Category.BILLING_RECORD}, reading.of_customer, 20
)
INVOICE_STATUSES = ("unpaid", "paid")
ORDER_STATUSES = ("paid", "shipped", "completed", "cancelled")
Short = Annotated[str, Form(max_length=100)]


def _render(
    request: Request,
    template: str,
    user: User,
    ctx: ConsoleContext,
    status: int = 200,
    **extra: object,
) -> Response:
    return render(request, template, status, user=user, purpose=ctx.purpose, pln=pln, **extra)


@router.get("", dependencies=[page_guard(PAGE)])
def overview(
    request: Request,
    user: User,
    ctx: ConsoleContext,
    invoices_status: str = "",
    order_status: str = "",
) -> Response:
    inv_status = invoices_status if invoices_status in INVOICE_STATUSES else None
    ord_status = order_status if order_status in ORDER_STATUSES else None
    return _render(
        request,
        "console/billing.html",
        user,
        ctx,
        invoices=invoices.list_invoices(ctx, status=inv_status, limit=100),
        orders=orders.list_recent(ctx, status=ord_status, limit=100),
        invoices_status=inv_status or "",
        order_status=ord_status or "",
        invoice_statuses=INVOICE_STATUSES,
        order_statuses=ORDER_STATUSES,
    )


@router.get("/invoices/{invoice_id}")
def invoice(
    request: Request, user: User, ctx: ConsoleContext, invoice_id: str, charged: str = ""
) -> Response:
    found = invoices.get(ctx, invoice_id)
    outcome = charged if charged in ("paid", "declined") else ""
    return _render(request, "console/invoice.html", user, ctx, invoice=found, charged=outcome)


@router.post("/invoices/{invoice_id}/charge")
def charge(ctx: ConsoleContext, invoice_id: str) -> Response:
    """Charge an unpaid subscription invoice to its saved card now."""
    outcome = billing_run.charge_now(ctx, invoice_id)
    return RedirectResponse(
        f"/console/billing/invoices/{invoice_id}?charged={outcome}", status_code=303
    )


@router.get("/invoices/{invoice_id}/pdf")
def invoice_pdf(user: User, ctx: ConsoleContext, invoice_id: str) -> Response:
    invoice = invoices.get(ctx, invoice_id)
    return pdf_file(documents.render_pdf(invoice), documents.pdf_name(invoice))


@router.get("/orders/{order_id}")
def order(
    request: Request,
    user: User,
    ctx: ConsoleContext,
    order_id: str,
    placed: Annotated[Flag, Query()] = 0,
) -> Response:
    require_page(ctx, ORDER)
    found = orders.get(ctx, order_id)
    return _render(request, "console/order.html", user, ctx, order=found, placed=bool(placed))


def _order_form(
    request: Request,
    user: User,
    ctx: ConsoleContext,
    customer_id: str,
    status: int = 200,
    problems: list[dict[str, str]] | None = None,
    chosen: tuple[str, str] = ("", ""),
) -> Response:
    customer = customers.get(ctx, customer_id)
    products = catalog.list_products(ctx.session)
    return _render(
        request,
        "console/order_new.html",
        user,
        ctx,
        status=status,
        customer=customer,
        boxes=[p for p in products if p.kind == "stb"],
        packages=[p for p in products if p.kind == "package"],
        cards=cards.list_cards(ctx, customer.id),
        key=secrets.token_urlsafe(18),
        problems=problems or [],
        chosen=chosen,
    )


@router.get("/customers/{customer_id}/order")
def order_form(request: Request, user: User, ctx: ConsoleContext, customer_id: str) -> Response:
    """A phone order: the customer's box and package, paid with a card they read out or a
    card they saved."""
    return _order_form(request, user, ctx, customer_id)


@router.post("/customers/{customer_id}/order")
def place_order(
    request: Request,
    user: User,
    ctx: ConsoleContext,
    customer_id: str,
    key: Short,
    form: OrderFields,
) -> Response:
    body = form.body(customer_id)
    if body is None:
        problem = {"field": "lines", "problem": "choose a box, a package or both"}
        return _order_form(request, user, ctx, customer_id, 422, [problem], form.chosen)
    try:
        placed = orders.place(ctx, OrderCreate.model_validate(body), f"console-{key}")
    except ValidationError as exc:
        problems = validation_problems(exc.errors())
        return _order_form(request, user, ctx, customer_id, 422, problems, form.chosen)
    except DomainError as exc:
        rollback_keeping_evidence(ctx.session)  # nothing half-made, the evidence stays
        problems = exc.details.get("fields") or [{"field": exc.code, "problem": exc.message}]
        return _order_form(request, user, ctx, customer_id, exc.status, problems, form.chosen)
    return RedirectResponse(f"/console/billing/orders/{placed.id}?placed=1", status_code=303)


@router.get("/customers/{customer_id}", dependencies=[page_guard(ACCOUNT)])
def account(request: Request, user: User, ctx: ConsoleContext, customer_id: str) -> Response:
    customer = customers.get(ctx, customer_id)
    return _render(
        request,
        "console/billing_account.html",
        user,
        ctx,
        customer=customer,
        orders=orders.list_orders(ctx, customer_id=customer.id, limit=50),
        invoices=invoices.list_invoices(ctx, customer_id=customer.id, limit=100),
        cards=cards.list_cards(ctx, customer.id),
    )


@router.get("/credit/{customer_id}")
def credit_decision(
    request: Request, user: User, ctx: ConsoleContext, customer_id: str
) -> Response:
    decision = credit.decide(ctx, customer_id)
    return _render(request, "console/credit.html", user, ctx, decision=decision)
