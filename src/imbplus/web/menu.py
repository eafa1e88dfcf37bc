"""The staff console's menu, derived from the access policy (P03, P11).

Each console page declares what it needs: the data categories and the action its landing
page performs, and where it serves only some purposes, which. The menu shows a member of
staff exactly the pages the policy lets their roles open under the purpose they chose, and
the same declaration guards the page's route (`web.pages.page_guard`), so that a page shown
is a page that opens and a page hidden is a page refused: no role name is written anywhere
but in `privacy/policy/access.csv`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from imbplus.privacy.access import Gate
from imbplus.privacy.catalog import Action, Category, Purpose


@dataclass(frozen=True)
class ConsolePage:
    name: str  # the text `console.menu.<name>` names it
    path: str
    needs: frozenset[Category]
    action: Action = Action.READ
    serves: frozenset[Purpose] | None = None  # None: every purpose the policy allows
    order: int = 100
    in_menu: bool = True  # False: a page reached from others (a record), not from the menu
    operation: str = ""  # what a refusal is recorded as (`console.<name>` unless given)

    @property
    def label(self) -> str:
        return f"console.menu.{self.name}"

    def opens_for(self, gate: Gate, roles: Iterable[str], purpose: Purpose | None) -> bool:
        """Whether the policy lets these roles open the page under this purpose: every
        category it needs allowed to one of the roles (the gate's own rule)."""
        if purpose is None:
            return not self.needs
        if self.serves is not None and purpose not in self.serves:
            return False
        held = tuple(roles)
        return all(
            any(gate.allows(role, category, purpose, self.action) for role in held)
            for category in self.needs
        )


_PAGES: dict[str, ConsolePage] = {}


def page(
    name: str,
    path: str,
    needs: Iterable[Category],
    *,
    action: Action = Action.READ,
    serves: Iterable[Purpose] | None = None,
    order: int = 100,
    in_menu: bool = True,
    operation: str = "",
) -> ConsolePage:
    """Declare a console page (once, where its routes are)."""
    declared = ConsolePage(
        name,
        path,
        frozenset(needs),
        action,
        None if serves is None else frozenset(serves),
        order,
        in_menu,
        operation or f"console.{name}",
    )
    if name in _PAGES and _PAGES[name] != declared:
        raise ValueError(f"console page {name} declared twice")
    _PAGES[name] = declared
    return declared


def pages(*, in_menu: bool = True) -> list[ConsolePage]:
    found = [p for p in _PAGES.values() if p.in_menu or not in_menu]
    return sorted(found, key=lambda p: (p.order, p.name))


def opening(gate: Gate, roles: Iterable[str], purpose: Purpose | None) -> list[ConsolePage]:
    """Every declared page these roles may open under this purpose, in menu order."""
    held = tuple(roles)
    return [p for p in pages(in_menu=False) if p.opens_for(gate, held, purpose)]


ACCOUNT = page("account", "/console/account", (), order=900)
