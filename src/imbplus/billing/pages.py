"""Staff console pages for billing (P03 billing and credit, P20): recent orders and
invoices, one order, one invoice with its payments and PDF, a customer's billing account
(orders, invoices, saved cards) and the postpaid credit decision with its reasons.

Every page reads through the services, so the gate decides: invoices, orders and cards for
the `billing` purpose, the credit decision for `credit` only. Card numbers are shown masked.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from imbplus.billing import cards, credit, documents, invoices
from imbplus.billing.money import pln
from imbplus.customers import service as customers
from imbplus.shop import orders
from imbplus.web.pages import ConsoleContext, User, render
from imbplus.web.responses import pdf_file

router = APIRouter(prefix="/console/billing", include_in_schema=False)
INVOICE_STATUSES = ("unpaid", "paid")
ORDER_STATUSES = ("paid", "shipped", "completed", "cancelled")


def _render(
    request: Request, template: str, user: User, ctx: ConsoleContext, **extra: object
) -> Response:
    return render(request, template, 200, user=user, purpose=ctx.purpose, pln=pln, **extra)


@router.get("")
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
def invoice(request: Request, user: User, ctx: ConsoleContext, invoice_id: str) -> Response:
    return _render(
        request, "console/invoice.html", user, ctx, invoice=invoices.get(ctx, invoice_id)
    )


@router.get("/invoices/{invoice_id}/pdf")
def invoice_pdf(user: User, ctx: ConsoleContext, invoice_id: str) -> Response:
    invoice = invoices.get(ctx, invoice_id)
    return pdf_file(documents.render_pdf(invoice), documents.pdf_name(invoice))


@router.get("/orders/{order_id}")
def order(request: Request, user: User, ctx: ConsoleContext, order_id: str) -> Response:
    return _render(request, "console/order.html", user, ctx, order=orders.get(ctx, order_id))


@router.get("/customers/{customer_id}")
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
