"""Checkout (P03 billing, P20, P08): one order, paid by card, in one transaction.

Validation comes first (customer status, products, quantities, card number and expiry),
then the order rows are written and flushed, then the payment provider is called, and
only after its approval the payment, invoice, shipments (one per box) and subscriptions
are written. A decline or timeout raises, and the unit of work rolls everything back: no
half-made order, payment or invoice (the disclosure register and the audit log keep the
attempt). If a write fails after the approval, the authorization is voided.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from imbplus.billing import cards, invoices, payments
from imbplus.billing.cardcheck import CheckedCard, check_cvv, check_expiry, check_number
from imbplus.billing.invoices import LineSpec
from imbplus.billing.schemas import Buyer, CardIn
from imbplus.clock import clock
from imbplus.customers import service as customers
from imbplus.errors import Conflict, Erased, ValidationFailed
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category
from imbplus.shipping import service as shipping
from imbplus.shipping.schemas import Recipient
from imbplus.shop import catalog
from imbplus.shop.models import Order, OrderLine, OrderRequest, Product, Subscription
from imbplus.shop.reading import get as get  # reading.py; the routes call them from here
from imbplus.shop.reading import list_orders as list_orders
from imbplus.shop.reading import list_recent as list_recent
from imbplus.shop.schemas import OrderCreate, OrderRead


class CustomerSuspended(Conflict):
    code = "customer_suspended"


class IdempotencyReused(Conflict):
    code = "idempotency_key_reused"


def _problem(field: str, problem: str) -> ValidationFailed:
    return ValidationFailed([{"field": field, "problem": problem}])


def period_of(at: datetime) -> str:
    return f"{at.year:04d}-{at.month:02d}"


# -- validation ----------------------------------------------------------------------------
def _check_customer(ctx: Context, customer_id: str) -> None:
    status = customers.status_of(ctx, customer_id)
    if status == "suspended":
        raise CustomerSuspended(
            "the customer's account is suspended; no new orders", field="customer_id"
        )
    if status == "erased":
        raise Erased("this customer's personal data was erased", customer=customer_id)


def _products(ctx: Context, data: OrderCreate) -> dict[str, Product]:
    found = catalog.get_many(ctx.session, {line.product_id for line in data.lines})
    problems = []
    packages = 0
    for i, line in enumerate(data.lines):
        product = found.get(line.product_id)
        if product is None or not product.active:
            problems.append({"field": f"lines.{i}.product_id", "problem": "unknown product"})
            continue
        if product.kind == "package":
            packages += 1
            if line.quantity != 1:
                problems.append(
                    {"field": f"lines.{i}.quantity", "problem": "a package is ordered once"}
                )
    if packages > 1:
        problems.append({"field": "lines", "problem": "at most one package per order"})
    if len({line.product_id for line in data.lines}) != len(data.lines):
        problems.append({"field": "lines", "problem": "each product once (use quantity)"})
    if problems:
        raise ValidationFailed(problems)
    return found


def checked_card(card: CardIn) -> CheckedCard:
    try:
        pan, brand = check_number(card.number.get_secret_value())
    except ValueError as exc:
        raise _problem("card.number", str(exc)) from None
    problems = []
    try:
        check_expiry(card.exp_month, card.exp_year, clock.now())
    except ValueError as exc:
        problems.append({"field": "card.exp_year", "problem": str(exc)})
    cvv = card.cvv.get_secret_value()
    try:
        check_cvv(cvv, brand)
    except ValueError as exc:
        problems.append({"field": "card.cvv", "problem": str(exc)})
    if problems:
        raise ValidationFailed(problems)
    return CheckedCard(pan, brand, card.exp_month, card.exp_year, cvv)


def _canonical(data: OrderCreate) -> str:
    """The request as JSON, without the card number and CVV (the masked number instead)."""
    doc = data.model_dump(mode="json", exclude={"card": {"number", "cvv"}})
    if data.card is not None:
        doc["card"]["masked"] = checked_card(data.card).masked
    return json.dumps(doc, sort_keys=True, separators=(",", ":"))


def _fingerprint(ctx: Context, canonical: str) -> str:
    """Keyed (blind-index key), so it reveals nothing about the request."""
    return ctx.keyring.blind_index(ctx.session, "order_requests", "fingerprint", canonical).hex()


def _replay(ctx: Context, key: str, canonical: str) -> OrderRead | None:
    row = ctx.session.execute(
        select(OrderRequest).where(OrderRequest.actor == ctx.actor.label, OrderRequest.key == key)
    ).scalar()
    if row is None:
        return None
    candidates = ctx.keyring.blind_candidates(
        ctx.session, "order_requests", "fingerprint", canonical
    )
    if row.fingerprint not in {d.hex() for d in candidates}:
        raise IdempotencyReused(
            "this Idempotency-Key was used for a different order", field="Idempotency-Key"
        )
    return get(ctx, row.order_id).model_copy(update={"replayed": True})


# -- placing -------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Line:
    product: Product
    quantity: int


def place(ctx: Context, data: OrderCreate, idempotency_key: str) -> OrderRead:
    customer_id = data.customer_id
    ctx.check(
        Action.WRITE, {Category.BILLING_RECORD}, operation="order.place", subjects=[customer_id]
    )
    _check_customer(ctx, customer_id)
    card = checked_card(data.card) if data.card is not None else None
    canonical = _canonical(data)
    fingerprint = _fingerprint(ctx, canonical)
    replayed = _replay(ctx, idempotency_key, canonical)
    if replayed is not None:
        return replayed
    found = _products(ctx, data)
    lines = [_Line(found[line.product_id], line.quantity) for line in data.lines]
    saved = cards.active_card(ctx, data.card_id, customer_id) if data.card_id else None
    customer = customers.get(ctx, customer_id)
    buyer = Buyer(
        name=customer.name,
        street=customer.address.street,
        postal_code=customer.address.postal_code,
        city=customer.address.city,
    )
    recipient = data.recipient or Recipient.model_construct(
        name=customer.name,
        street=customer.address.street,
        postal_code=customer.address.postal_code,
        city=customer.address.city,
        phone=customer.phone,
        email=customer.email,
    )
    now = clock.now()
    order_id = str(uuid.uuid4())
    total = sum(line.product.price_gross * line.quantity for line in lines)
    order = Order(
        id=order_id,
        customer_id=customer_id,
        status="paid",
        placed_by=ctx.actor.label,
        total_gross=total,
        currency="PLN",
        created_at=now,
        updated_at=now,
    )
    try:
        with ctx.session.begin_nested():
            ctx.session.add(order)
            ctx.session.flush()
            ctx.session.add_all(
                OrderLine(
                    order_id=order_id,
                    position=pos,
                    product_id=line.product.id,
                    kind=line.product.kind,
                    name=line.product.name,
                    quantity=line.quantity,
                    unit_gross=line.product.price_gross,
                    vat_rate_bp=line.product.vat_rate_bp,
                )
                for pos, line in enumerate(lines, start=1)
            )
            ctx.session.add(
                OrderRequest(
                    actor=ctx.actor.label,
                    key=idempotency_key,
                    fingerprint=fingerprint,
                    order_id=order_id,
                    created_at=now,
                )
            )
            ctx.session.flush()
    except IntegrityError:
        # the same key committed meanwhile (a concurrent duplicate): answer with its order
        found_again = _replay(ctx, idempotency_key, canonical)
        if found_again is None:
            raise
        return found_again
    authorized = payments.authorize_checkout(
        ctx,
        customer_id=customer_id,
        order_id=order_id,
        amount=total,
        card=card,
        saved=saved,
        save=bool(data.card and data.card.save),
        idempotency_key=f"{ctx.actor.label}:{idempotency_key}",
    )
    try:
        _complete(ctx, order, lines, authorized, buyer, recipient, now)
    except BaseException:
        payments.provider(ctx.platform).void(authorized.approval.reference)
        raise
    ctx.note("order.placed", subject=customer_id, reason=f"order:{order_id}")
    return get(ctx, order_id)


def _complete(
    ctx: Context,
    order: Order,
    lines: list[_Line],
    authorized: payments.Authorized,
    buyer: Buyer,
    recipient: Recipient,
    now: datetime,
) -> None:
    period = period_of(now)
    specs = [
        LineSpec(
            description=(
                f"{line.product.name} – abonament {period}"
                if line.product.kind == "package"
                else line.product.name
            ),
            quantity=line.quantity,
            unit_gross=line.product.price_gross,
            vat_rate_bp=line.product.vat_rate_bp,
            unit="usł." if line.product.kind == "package" else "szt.",
        )
        for line in lines
    ]
    invoice = invoices.issue(
        ctx,
        customer_id=order.customer_id,
        kind="order",
        lines=specs,
        buyer=buyer,
        order_id=order.id,
        at=now,
    )
    invoices.mark_paid(invoice, now)
    invoice.charge_attempts = 1
    payments.record(
        ctx,
        customer_id=order.customer_id,
        kind="checkout",
        amount=order.total_gross,
        status="approved",
        brand=authorized.brand,
        masked=authorized.masked,
        card_id=authorized.card_id,
        order_id=order.id,
        invoice_id=invoice.id,
        provider_ref=authorized.approval.reference,
        at=now,
    )
    first_box: str | None = None
    for line in lines:
        if line.product.kind != "stb":
            continue
        for _ in range(line.quantity):
            sid = shipping.create(
                ctx,
                order_id=order.id,
                customer_id=order.customer_id,
                item=line.product.id,
                recipient=recipient,
            )
            first_box = first_box or sid
    for line in lines:
        if line.product.kind != "package":
            continue
        sub = Subscription(
            id=str(uuid.uuid4()),
            customer_id=order.customer_id,
            product_id=line.product.id,
            order_id=order.id,
            shipment_id=first_box,
            card_id=authorized.card_id,
            status="active",
            monthly_gross=line.product.price_gross,
            vat_rate_bp=line.product.vat_rate_bp,
            started_at=now,
        )
        ctx.session.add(sub)
        ctx.session.flush()
        invoices.mark_billed(ctx, sub.id, period, invoice.id)
    ctx.session.flush()
