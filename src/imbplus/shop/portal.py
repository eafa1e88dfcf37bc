"""Portal pages of the shop: order a box and a package with a card, see orders, invoices,
saved cards and the postpaid decision. The subscriber acts on their own record only."""

from __future__ import annotations

import secrets
from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from imbplus.billing import cards, credit, documents, invoices
from imbplus.bounds import Flag
from imbplus.errors import DomainError
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Purpose
from imbplus.runtime import rollback_keeping_evidence
from imbplus.shop import catalog, orders
from imbplus.shop.forms import OrderFields
from imbplus.shop.schemas import OrderCreate
from imbplus.web import i18n, problems
from imbplus.web.errors import validation_problems
from imbplus.web.pages import render
from imbplus.web.responses import pdf_file
from imbplus.web.subscribers import SUBSCRIBER_PAGES, Customer, PortalContext

router = APIRouter(prefix="/portal", include_in_schema=False, dependencies=SUBSCRIBER_PAGES)
Short = Annotated[str, Form(max_length=100)]


def _billing(ctx: Context) -> Context:
    return replace(ctx, purpose=Purpose.BILLING)


def _shop_page(
    request: Request,
    user: Customer,
    ctx: Context,
    status: int = 200,
    error: str | None = None,
    chosen: tuple[str, str] = ("", ""),
) -> Response:
    products = catalog.list_products(ctx.session)
    return render(
        request,
        "portal/shop.html",
        status,
        user=user,
        boxes=[p for p in products if p.kind == "stb"],
        packages=[p for p in products if p.kind == "package"],
        key=secrets.token_urlsafe(18),
        error=error,
        chosen=chosen,
        saved=cards.list_cards(_billing(ctx), user.customer_id),
    )


@router.get("/shop")
def shop(request: Request, user: Customer, ctx: PortalContext) -> Response:
    return _shop_page(request, user, ctx)


@router.post("/shop")
def order(
    request: Request,
    user: Customer,
    ctx: PortalContext,
    key: Short,
    form: OrderFields,
) -> Response:
    lang = i18n.lang_of(request.scope)
    body = form.body(user.customer_id)
    if body is None:
        message = i18n.translate(lang, "shop.error.nothing")
        return _shop_page(request, user, ctx, 422, message, form.chosen)
    try:
        orders.place(_billing(ctx), OrderCreate.model_validate(body), f"portal-{key}")
    except ValidationError as exc:
        message = _corrections(lang, validation_problems(exc.errors()))
        return _shop_page(request, user, ctx, 422, message, form.chosen)
    except DomainError as exc:
        rollback_keeping_evidence(ctx.session)  # nothing half-made, the evidence stays
        return _shop_page(request, user, ctx, exc.status, _message(lang, exc), form.chosen)
    return RedirectResponse(i18n.localized(lang, "/portal/orders?placed=1"), status_code=303)


def _corrections(lang: str, found: list[dict[str, str]]) -> str:
    """What to correct, by the fields' labels and in the reader's language."""
    return i18n.translate(
        lang, "shop.error.validation_failed", problems=problems.described(lang, found)
    )


def _message(lang: str, exc: DomainError) -> str:
    if exc.code == "validation_failed":
        return _corrections(lang, list(exc.details.get("fields", [])))
    key = f"shop.error.{exc.code}"
    text = i18n.translate(lang, key)
    return text if text != key else i18n.translate(lang, "shop.error.other", code=exc.code)


@router.get("/orders")
def my_orders(
    request: Request, user: Customer, ctx: PortalContext, placed: Annotated[Flag, Query()] = 0
) -> Response:
    billing = _billing(ctx)
    return render(
        request,
        "portal/orders.html",
        user=user,
        placed=bool(placed),
        orders=orders.list_orders(billing, customer_id=user.customer_id),
        invoices=invoices.list_invoices(billing, customer_id=user.customer_id),
        cards=cards.list_cards(billing, user.customer_id),
        credit=credit.decide(replace(ctx, purpose=Purpose.CREDIT), user.customer_id),
    )


@router.post("/cards/{card_id}/remove")
def remove_card(request: Request, ctx: PortalContext, card_id: str) -> Response:
    cards.remove(_billing(ctx), card_id)
    lang = i18n.lang_of(request.scope)
    return RedirectResponse(i18n.localized(lang, "/portal/orders"), status_code=303)


@router.get("/invoices/{invoice_id}")
def invoice_page(request: Request, user: Customer, ctx: PortalContext, invoice_id: str) -> Response:
    invoice = invoices.get(_billing(ctx), invoice_id)
    back = i18n.localized(i18n.lang_of(request.scope), "/portal/orders#invoices")
    html = documents.render_html(request.app.state.templates.env, invoice, back)
    return Response(html, media_type="text/html; charset=utf-8")


@router.get("/invoices/{invoice_id}/pdf")
def invoice_pdf(user: Customer, ctx: PortalContext, invoice_id: str) -> Response:
    invoice = invoices.get(_billing(ctx), invoice_id)
    return pdf_file(documents.render_pdf(invoice), documents.pdf_name(invoice))
