"""Service periods of a subscription and the Polish date formats on bills.

The first period runs from the order day to the end of that month and costs its share of
the monthly price: days left in the month (the order day included) / days in the month,
rounded half up to the grosz (Decimal, never floats). Later periods are whole months, billed
by the monthly run. Days are days in Poland (`clock.local_day`), like the billing run's
months and the invoice dates.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal


def pl_date(day: date) -> str:
    """date(2026, 11, 30) -> '30.11.2026'."""
    return f"{day:%d.%m.%Y}"


def pl_span(start: date, end: date) -> str:
    """'18.11–30.11.2026'; the first year is written too when the years differ."""
    first = f"{start:%d.%m}" if start.year == end.year else pl_date(start)
    return f"{first}–{pl_date(end)}"


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def month_end(day: date) -> date:
    return day.replace(day=days_in_month(day.year, day.month))


def next_month_start(day: date) -> date:
    """The first day of the month after `day`'s: the first whole month of a subscription
    started on `day`."""
    return month_end(day) + timedelta(days=1)


@dataclass(frozen=True)
class ServicePeriod:
    """A billed stretch of one calendar month and its gross price in grosze."""

    start: date
    end: date
    gross: int

    @property
    def month(self) -> str:
        return month_key(self.start)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def month_days(self) -> int:
        return days_in_month(self.start.year, self.start.month)

    @property
    def share(self) -> str:
        """'13/30 mies.': the part of the month billed."""
        return f"{self.days}/{self.month_days} mies."

    def label(self, *, prorated: bool) -> str:
        """'abonament 2026-11 (13/30 mies., 18.11–30.11.2026)' for a first period,
        'abonament 2026-12 (01.12–31.12.2026)' for a whole month of the monthly run."""
        span = pl_span(self.start, self.end)
        if prorated:
            return f"abonament {self.month} ({self.share}, {span})"
        return f"abonament {self.month} ({span})"


def prorate(monthly_gross: int, days: int, month_days: int) -> int:
    share = Decimal(monthly_gross) * days / month_days
    return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def first_period(monthly_gross: int, order_day: date) -> ServicePeriod:
    """From the order day to the end of its month, at the month's share of the price."""
    end = month_end(order_day)
    days = (end - order_day).days + 1
    gross = prorate(monthly_gross, days, days_in_month(order_day.year, order_day.month))
    return ServicePeriod(order_day, end, gross)


def whole_month(monthly_gross: int, month: str) -> ServicePeriod:
    """`month` ('2026-12') in full, at the monthly price."""
    start = date(int(month[:4]), int(month[5:7]), 1)
    return ServicePeriod(start, month_end(start), monthly_gross)
