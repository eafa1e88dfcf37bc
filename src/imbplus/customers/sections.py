"""What the console's view of a customer shows besides the record: each domain adds its
section (boxes, orders and subscription, ...) where its console pages are, naming the data
categories it reads. A section is loaded through the gate under the purpose the member of
staff chose, only when the policy lets their roles read it for that purpose; otherwise the
page says it is not shown for this purpose (and nothing is read or refused)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category


@dataclass(frozen=True)
class Section:
    name: str  # its heading is the text `console.customer.section.<name>`
    template: str  # a template that shows `data`
    needs: frozenset[Category]
    load: Callable[[Context, str], object]
    order: int = 100


@dataclass(frozen=True)
class Shown:
    section: Section
    data: object  # None when the purpose does not allow it


_SECTIONS: dict[str, Section] = {}


def register(
    name: str,
    template: str,
    needs: Iterable[Category],
    load: Callable[[Context, str], object],
    order: int = 100,
) -> None:
    _SECTIONS[name] = Section(name, template, frozenset(needs), load, order)


def for_customer(ctx: Context, customer_id: str) -> list[Shown]:
    shown = []
    for section in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.name)):
        allowed = ctx.may(Action.READ, section.needs)
        shown.append(Shown(section, section.load(ctx, customer_id) if allowed else None))
    return shown
