"""JSON routes of billing: invoices (JSON, HTML, PDF), cards, credit, erasure answer."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from imbplus.billing import cards, credit, documents, invoices
from imbplus.billing.schemas import (
    CardRead,
    CreditDecision,
    InvoiceRead,
    InvoiceSummary,
)
from imbplus.ids import UUID
from imbplus.web.deps import ApiContext
from imbplus.web.guards import STAFF_API
from imbplus.web.responses import API_ERRORS, pdf_file, pdf_response

router = APIRouter(prefix="/api/v1", tags=["billing"], responses=API_ERRORS, dependencies=STAFF_API)
CustomerId = Annotated[str, Query(pattern=UUID)]


@router.get("/invoices")
def list_invoices(
    ctx: ApiContext,
    customer_id: Annotated[str | None, Query(pattern=UUID)] = None,
    status: Annotated[Literal["paid", "unpaid"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[InvoiceSummary]:
    return invoices.list_invoices(ctx, customer_id=customer_id, status=status, limit=limit)


@router.get("/invoices/{invoice_id}")
def get_invoice(ctx: ApiContext, invoice_id: str) -> InvoiceRead:
    return invoices.get(ctx, invoice_id)


@router.get(
    "/invoices/{invoice_id}/html",
    response_class=Response,
    responses={200: {"content": {"text/html": {}}, "description": "The invoice as a page."}},
)
def invoice_html(request: Request, ctx: ApiContext, invoice_id: str) -> HTMLResponse:
    invoice = invoices.get(ctx, invoice_id)
    return HTMLResponse(documents.render_html(request.app.state.templates.env, invoice))


@router.get("/invoices/{invoice_id}/pdf", response_class=Response, responses=pdf_response("PDF"))
def invoice_pdf(ctx: ApiContext, invoice_id: str) -> Response:
    invoice = invoices.get(ctx, invoice_id)
    return pdf_file(documents.render_pdf(invoice), documents.pdf_name(invoice))


@router.get("/cards")
def list_cards(ctx: ApiContext, customer_id: CustomerId) -> list[CardRead]:
    """Saved cards, masked (purpose `billing`)."""
    return cards.list_cards(ctx, customer_id)


@router.delete("/cards/{card_id}")
def remove_card(ctx: ApiContext, card_id: str) -> CardRead:
    """Forget a saved card: its key is destroyed."""
    return cards.remove(ctx, card_id)


@router.get("/credit/{customer_id}")
def credit_decision(ctx: ApiContext, customer_id: str) -> CreditDecision:
    """Postpaid eligibility with its reasons (purpose `credit`)."""
    return credit.decide(ctx, customer_id)
