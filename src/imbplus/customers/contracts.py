"""When a customer's contract ended, as the domain that holds contracts tells it (the shop's
subscriptions): the retention rules that count from the end of a contract (the customer's
record, saved cards: P13) ask here, so that they import no domain above them.

The shop gives its queries in the module its plugin names for retention (`shop.contracts`);
reading them before that is a bug and says so, rather than finding no contract at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select
from sqlalchemy.orm import InstrumentedAttribute

from imbplus import plugin


@dataclass(frozen=True)
class Contracts:
    # ids of customers whose contracts all ended, the last one before the cutoff
    ended_before: Callable[[datetime], Select[str]]
    # true where the customer (a column of customer ids) ever had a contract
    ever_had: Callable[[InstrumentedAttribute[str]], ColumnElement[bool]]


_HELD: list[Contracts] = []


def provide(contracts: Contracts) -> None:
    _HELD[:] = [contracts]


def held() -> Contracts:
    if not _HELD:
        plugin.require("retention")
    if not _HELD:
        raise RuntimeError("no domain gives the contracts (the shop's plugin names them)")
    return _HELD[0]
