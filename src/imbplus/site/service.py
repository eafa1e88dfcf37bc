"""What the public pages show that is not text: the offer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from imbplus.errors import NotFound
from imbplus.web import i18n


@dataclass(frozen=True)
class OfferItem:
    id: str
    kind: str  # package | stb (as in the shop's catalogue)
    name: str
    description: str
    price_gross: int  # grosze; monthly for a package, one-off for a box
    channels: int = 0  # a package's channel count from its line-up (0: no list)
    hd_channels: int = 0


@dataclass(frozen=True)
class Offer:
    packages: list[OfferItem]
    boxes: list[OfferItem]
    preview: bool  # True while the shop has no products: its default catalogue, shown
    most_channels: int = 0  # the largest package's channel count


def offer(session: Session, lang: str) -> Offer:
    """Packages and boxes for the home, offer and channel pages: the shop's active products,
    so the site shows what the shop sells and charges, with each package's channel count
    from its line-up. While the shop has no products yet (a new installation), the shop's
    own default catalogue is shown as a preview: there is one catalogue, never a second."""
    from imbplus.shop import catalog, lineup

    products = catalog.list_products(session)
    rows = [(p.id, p.kind, p.name, p.description, p.price_gross) for p in products]
    preview = not rows
    if preview:
        rows = [(i, k, n, d, price) for i, k, n, d, price in catalog.DEFAULT_CATALOGUE]
    items = [
        OfferItem(
            pid,
            kind,
            i18n.data_text(lang, f"product.{pid}.name", name),
            i18n.data_text(lang, f"product.{pid}.description", description),
            price,
            channels=len(lineup.channels(pid)),
            hd_channels=sum(c.hd for c in lineup.channels(pid)),
        )
        for pid, kind, name, description, price in rows
    ]
    packages = sorted((i for i in items if i.kind == "package"), key=lambda i: i.price_gross)
    return Offer(
        packages=packages,
        boxes=[i for i in items if i.kind == "stb"],
        preview=preview,
        most_channels=max((i.channels for i in packages), default=0),
    )


def package_channels(
    session: Session, lang: str, package: str
) -> tuple[Offer, OfferItem, list[Any]]:
    """A package of the offer and its channels; NotFound for anything else."""
    from imbplus.shop import lineup

    shown = offer(session, lang)
    found = [p for p in shown.packages if p.id == package and p.channels]
    if not found:
        raise NotFound("no package with a channel list", package=package[:64])
    return shown, found[0], list(lineup.channels(package))
