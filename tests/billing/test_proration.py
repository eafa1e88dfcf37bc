"""A package's first period is prorated by days (the order day to the end of its month,
rounded half up to the grosz); later months are whole. Amounts computed by hand."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient

from imbplus.billing import invoices
from imbplus.billing.periods import first_period, pl_span, prorate, whole_month
from imbplus.billing.schemas import InvoiceRead
from imbplus.clock import clock
from imbplus.runtime import Runtime
from imbplus.shop import billing_run
from tests.portal.test_pages import portal_login
from tests.support.factories import make_customer, make_subscriber
from tests.support.shop import customer_ctx, place_order, setup_shop

SPORT = 9999  # Pakiet Sport Max, 99,99 zł a month

# (order day, days billed, days in the month, gross in grosze)
#   9999 * 28/28 = 9999         9999 * 14/28 = 4999.5 -> 5000   9999 * 1/28 = 357.11 -> 357
#   9999 * 30/30 = 9999         9999 * 16/30 = 5332.8 -> 5333   9999 * 1/30 = 333.3  -> 333
#   9999 * 31/31 = 9999         9999 * 17/31 = 5483.32 -> 5483  9999 * 1/31 = 322.55 -> 323
CASES = [
    (date(2027, 2, 1), 28, 28, 9999),
    (date(2027, 2, 15), 14, 28, 5000),
    (date(2027, 2, 28), 1, 28, 357),
    (date(2026, 11, 1), 30, 30, 9999),
    (date(2026, 11, 15), 16, 30, 5333),
    (date(2026, 11, 30), 1, 30, 333),
    (date(2026, 12, 1), 31, 31, 9999),
    (date(2026, 12, 15), 17, 31, 5483),
    (date(2026, 12, 31), 1, 31, 323),
]


@pytest.mark.parametrize(("day", "days", "month_days", "gross"), CASES)
def test_the_first_period_is_the_share_of_the_month_left(
    day: date, days: int, month_days: int, gross: int
) -> None:
    period = first_period(SPORT, day)
    assert (period.days, period.month_days, period.gross) == (days, month_days, gross)
    assert period.start == day and period.end == date(day.year, day.month, month_days)
    assert period.label(prorated=True) == (
        f"abonament {day:%Y-%m} ({days}/{month_days} mies., {pl_span(day, period.end)})"
    )


def test_rounding_is_half_up_to_the_grosz_not_to_even() -> None:
    assert prorate(4001, 14, 28) == 2001  # 2000.5: half-even would give 2000
    assert prorate(3, 1, 2) == 2  # 1.5
    assert prorate(1, 1, 3) == 0  # 0.33


def test_labels_say_which_part_of_the_month_is_billed() -> None:
    assert first_period(SPORT, date(2026, 11, 30)).label(prorated=True) == (
        "abonament 2026-11 (1/30 mies., 30.11–30.11.2026)"
    )
    assert whole_month(SPORT, "2026-12").label(prorated=False) == (
        "abonament 2026-12 (01.12–31.12.2026)"
    )
    assert pl_span(date(2026, 12, 31), date(2027, 1, 31)) == "31.12.2026–31.01.2027"


def _invoice(rt: Runtime, customer_id: str, invoice_id: str) -> InvoiceRead:
    with rt.unit_of_work() as s:
        return invoices.get(customer_ctx(rt, s, customer_id), invoice_id)


def _sums_match(invoice: InvoiceRead) -> None:
    assert invoice.gross_total == sum(ln.gross for ln in invoice.lines)
    assert invoice.net_total == sum(ln.net for ln in invoice.lines)
    assert invoice.vat_total == sum(ln.vat for ln in invoice.lines)
    assert invoice.net_total + invoice.vat_total == invoice.gross_total
    assert invoice.gross_total == sum(r.gross for r in invoice.vat_rates)


def test_an_order_on_the_last_day_pays_one_day_and_december_is_whole(rt: Runtime) -> None:
    clock.freeze(datetime(2026, 11, 30, 12, 0, tzinfo=UTC))
    setup_shop(rt)
    customer = make_customer(rt)
    order = place_order(rt, customer.id, ("stb-hd-s1", 1), ("pkg-sport", 1))
    assert order.total_gross == 19900 + 333
    assert order.payment is not None and order.payment.amount_gross == 19900 + 333
    assert order.invoice is not None
    assert [(c.description, c.gross) for c in order.invoice.charges] == [
        ("IMB+ Box HD S1", 19900),
        ("Pakiet Sport Max – abonament 2026-11 (1/30 mies., 30.11–30.11.2026)", 333),
    ]
    first = _invoice(rt, customer.id, order.invoice.id)
    _sums_match(first)
    assert first.gross_total == 20233 and first.amount_paid == 20233 and first.amount_due == 0
    assert [(ln.unit, ln.unit_gross) for ln in first.lines] == [("szt.", 19900), ("usł.", 333)]
    # 19900 / 1.23 = 16178.86 -> 16179; 333 / 1.23 = 270.73 -> 271
    assert [(ln.net, ln.vat) for ln in first.lines] == [(16179, 3721), (271, 62)]

    clock.freeze(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))
    assert billing_run.run_month(rt, "2026-11").already_billed == 1
    december = billing_run.run_month(rt, "2026-12")
    assert (december.invoiced, december.paid) == (1, 1)
    with rt.unit_of_work() as s:
        ctx = customer_ctx(rt, s, customer.id)
        [monthly] = invoices.list_invoices(ctx, customer_id=customer.id, limit=1)
    whole = _invoice(rt, customer.id, monthly.id)
    _sums_match(whole)
    assert [(ln.description, ln.gross) for ln in whole.lines] == [
        ("Pakiet Sport Max – abonament 2026-12 (01.12–31.12.2026)", 9999)
    ]


@pytest.mark.parametrize(
    ("at", "charged", "label"),
    [
        (datetime(2026, 12, 1, 9, tzinfo=UTC), 9999, "31/31 mies., 01.12–31.12.2026"),
        (datetime(2026, 12, 15, 9, tzinfo=UTC), 5483, "17/31 mies., 15.12–31.12.2026"),
        (datetime(2027, 2, 15, 9, tzinfo=UTC), 5000, "14/28 mies., 15.02–28.02.2027"),
    ],
)
def test_the_invoice_total_is_the_sum_of_its_lines(
    rt: Runtime, at: datetime, charged: int, label: str
) -> None:
    clock.freeze(at)
    setup_shop(rt)
    customer = make_customer(rt)
    order = place_order(rt, customer.id, ("stb-4k-x2", 2), ("pkg-sport", 1))
    assert order.total_gross == 2 * 39900 + charged
    assert order.invoice is not None
    invoice = _invoice(rt, customer.id, order.invoice.id)
    _sums_match(invoice)
    assert invoice.lines[1].description == f"Pakiet Sport Max – abonament {at:%Y-%m} ({label})"
    assert invoice.lines[0].quantity == 2 and invoice.lines[0].gross == 2 * 39900


def test_the_portal_says_the_first_month_is_prorated(client: TestClient, rt: Runtime) -> None:
    clock.freeze(datetime(2026, 11, 30, 12, 0, tzinfo=UTC))
    setup_shop(rt)
    me = make_subscriber(rt)
    place_order(rt, me.id, ("pkg-sport", 1))
    portal_login(client, me.email)
    shop = client.get("/portal/shop").text
    assert "Pierwszy miesiąc abonamentu liczymy proporcjonalnie" in shop
    page = client.get("/portal/orders?placed=1").text
    assert "od następnego miesiąca opłata jest pełna" in page  # the confirmation
    assert "abonament 2026-11 (1/30 mies., 30.11–30.11.2026)" in page
    assert re.search(r"Pobrano 3,33\s*zł", page)
    assert "kolejne miesiące w pełnej wysokości, 99,99\u00a0zł / mies., od 01.12.2026" in page
    english = client.get("/en/portal/orders?placed=1").text
    assert "from the next month on you pay the full monthly fee" in english
    assert "the following months in full" in english and "from 1 Dec 2026" in english


def test_an_order_after_midnight_in_poland_is_billed_on_that_day(rt: Runtime) -> None:
    # 23:30 UTC on 30 November is 00:30 on 1 December in Warsaw: the order's day is 1
    # December, so December is billed whole and November not at all
    clock.freeze(datetime(2026, 11, 30, 23, 30, tzinfo=UTC))
    setup_shop(rt)
    customer = make_customer(rt)
    order = place_order(rt, customer.id, ("pkg-sport", 1))
    assert order.invoice is not None
    assert [(c.description, c.gross) for c in order.invoice.charges] == [
        ("Pakiet Sport Max – abonament 2026-12 (31/31 mies., 01.12–31.12.2026)", 9999)
    ]
    first = _invoice(rt, customer.id, order.invoice.id)
    assert first.due_date > date(2026, 12, 1)
    clock.freeze(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))
    november = billing_run.run_month(rt, "2026-11")
    assert (november.invoiced, november.already_billed) == (0, 0)


def test_an_invoice_issued_on_new_years_night_in_poland_is_numbered_in_the_new_year(
    rt: Runtime,
) -> None:
    clock.freeze(datetime(2026, 12, 31, 23, 30, tzinfo=UTC))  # 00:30, 1 January 2027
    setup_shop(rt)
    customer = make_customer(rt)
    order = place_order(rt, customer.id, ("stb-hd-s1", 1))
    assert order.invoice is not None
    assert order.invoice.number.startswith("FV/2027/")
