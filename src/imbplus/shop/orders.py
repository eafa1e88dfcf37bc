"""Checkout (P03 billing, P20, P08): one order, paid by card, in one transaction.

Validation comes first (customer status, products, quantities, card number and expiry),
then the order rows are written and flushed, then the payment provider is called, and
only after its approval the payment, invoice, shipments (one per box) and subscriptions
are written. A decline or timeout raises, and the unit of work rolls everything back: no
half-made order, payment or invoice (the disclosure register and the audit log keep the
attempt). If a write fails after the approval, the authorization is voided.

A package's first period (the order day to the end of its month) is charged and invoiced
with the order, prorated by days (`billing/periods.py`); the monthly run bills the whole
months after it.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from imbplus.billing import cards, invoices, payments
from imbplus.billing.cardcheck import CheckedCard, check_cvv, check_expiry, check_number
from imbplus.billing.invoices import LineSpec
from imbplus.billing.periods import ServicePeriod, first_period
from imbplus.billing.schemas import Buyer, CardIn
from imbplus.clock import clock, local_day
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
    """An ordered product and what this order charges for it: a box its price, a package
    its first service period (prorated), later months come from the monthly run."""

    product: Product
    quantity: int
    first: ServicePeriod | None

    @property
    def unit_charge(self) -> int:
        return self.first.gross if self.first else self.product.price_gross

    @property
    def spec(self) -> LineSpec:
        name, vat = self.product.name, self.product.vat_rate_bp
        if self.first is None:
            return LineSpec(name, self.quantity, self.unit_charge, vat)
        label = self.first.label(prorated=True)
        return LineSpec(f"{name} – {label}", self.quantity, self.unit_charge, vat, "usł.")


@dataclass(frozen=True)
class _Parties:
    buyer: Buyer
    recipient: Recipient


def _lines(found: dict[str, Product], data: OrderCreate, day: date) -> list[_Line]:
    return [
        _Line(
            product=(product := found[line.product_id]),
            quantity=line.quantity,
            first=first_period(product.price_gross, day) if product.kind == "package" else None,
        )
        for line in data.lines
    ]


def _parties(ctx: Context, data: OrderCreate) -> _Parties:
    customer = customers.get(ctx, data.customer_id)
    address = customer.address
    buyer = Buyer(
        name=customer.name,
        street=address.street,
        postal_code=address.postal_code,
        city=address.city,
    )
    recipient = data.recipient or Recipient.model_construct(
        name=customer.name,
        street=address.street,
        postal_code=address.postal_code,
        city=address.city,
        phone=customer.phone,
        email=customer.email,
    )
    return _Parties(buyer, recipient)


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
    now = clock.now()
    lines = _lines(_products(ctx, data), data, local_day(now))
    saved = cards.active_card(ctx, data.card_id, customer_id) if data.card_id else None
    parties = _parties(ctx, data)
    order = _new_order(ctx, customer_id, lines, now)
    concurrent = _write_order(ctx, order, lines, (idempotency_key, fingerprint), canonical)
    if concurrent is not None:
        return concurrent
    authorized = payments.authorize_checkout(
        ctx,
        customer_id=customer_id,
        order_id=order.id,
        amount=order.total_gross,
        card=card,
        saved=saved,
        save=bool(data.card and data.card.save),
        idempotency_key=f"{ctx.actor.label}:{idempotency_key}",
    )
    try:
        _complete(ctx, order, lines, authorized, parties, now)
    except BaseException:
        payments.provider(ctx.platform).void(authorized.approval.reference)
        raise
    ctx.note("order.placed", subject=customer_id, reason=f"order:{order.id}")
    return get(ctx, order.id)


def _new_order(ctx: Context, customer_id: str, lines: list[_Line], now: datetime) -> Order:
    return Order(
        id=str(uuid.uuid4()),
        customer_id=customer_id,
        status="paid",
        placed_by=ctx.actor.label,
        total_gross=sum(line.unit_charge * line.quantity for line in lines),
        currency="PLN",
        created_at=now,
        updated_at=now,
    )


def _write_order(
    ctx: Context,
    order: Order,
    lines: list[_Line],
    request: tuple[str, str],
    canonical: str,
) -> OrderRead | None:
    """Writes the order, its lines and its request key; when the same key was committed
    meanwhile (a concurrent duplicate), writes nothing and answers with that order."""
    key, fingerprint = request
    try:
        with ctx.session.begin_nested():
            ctx.session.add(order)
            ctx.session.flush()
            ctx.session.add_all(
                OrderLine(
                    order_id=order.id,
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
                    key=key,
                    fingerprint=fingerprint,
                    order_id=order.id,
                    created_at=order.created_at,
                )
            )
            ctx.session.flush()
    except IntegrityError:
        found_again = _replay(ctx, key, canonical)
        if found_again is None:
            raise
        return found_again
    return None


def _complete(
    ctx: Context,
    order: Order,
    lines: list[_Line],
    authorized: payments.Authorized,
    parties: _Parties,
    now: datetime,
) -> None:
    invoice = invoices.issue(
        ctx,
        customer_id=order.customer_id,
        kind="order",
        lines=[line.spec for line in lines],
        buyer=parties.buyer,
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
    first_box = _ship_boxes(ctx, order, lines, parties.recipient)
    _start_subscriptions(ctx, order, lines, (first_box, authorized.card_id), invoice.id, now)
    ctx.session.flush()


def _ship_boxes(ctx: Context, order: Order, lines: list[_Line], recipient: Recipient) -> str | None:
    """One shipment per box; returns the first one's id."""
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
    return first_box


def _start_subscriptions(
    ctx: Context,
    order: Order,
    lines: list[_Line],
    box_and_card: tuple[str | None, str | None],
    invoice_id: str,
    now: datetime,
) -> None:
    """A subscription per package; its first period is billed on the order's invoice."""
    shipment_id, card_id = box_and_card
    for line in lines:
        if line.first is None:
            continue
        sub = Subscription(
            id=str(uuid.uuid4()),
            customer_id=order.customer_id,
            product_id=line.product.id,
            order_id=order.id,
            shipment_id=shipment_id,
            card_id=card_id,
            status="active",
            monthly_gross=line.product.price_gross,
            vat_rate_bp=line.product.vat_rate_bp,
            started_at=now,
        )
        ctx.session.add(sub)
        ctx.session.flush()
        invoices.mark_billed(ctx, sub.id, line.first.month, invoice_id)
