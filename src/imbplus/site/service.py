"""What the public pages show that is not text: the offer."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from imbplus.web import i18n


@dataclass(frozen=True)
class OfferItem:
    id: str
    kind: str  # package | stb (as in the shop's catalogue)
    name: str
    description: str
    price_gross: int  # grosze; monthly for a package, one-off for a box
    highlights: tuple[str, ...] = ()


@dataclass(frozen=True)
class Offer:
    packages: list[OfferItem]
    boxes: list[OfferItem]
    preview: bool  # True while the shop's catalogue is not there: example items


def offer(session: Session, lang: str) -> Offer:
    """Packages and boxes for the offer and home pages: the shop's active products, so the
    site shows what the shop charges; example items only while the catalogue is empty."""
    from imbplus.shop import catalog

    products = catalog.list_products(session)
    if not products:
        items = _examples(lang)
        return Offer(
            packages=[i for i in items if i.kind == "package"],
            boxes=[i for i in items if i.kind == "stb"],
            preview=True,
        )
    items = [
        OfferItem(
            p.id,
            p.kind,
            i18n.data_text(lang, f"product.{p.id}.name", p.name),
            i18n.data_text(lang, f"product.{p.id}.description", p.description),
            p.price_gross,
        )
        for p in products
    ]
    return Offer(
        packages=[i for i in items if i.kind == "package"],
        boxes=[i for i in items if i.kind == "stb"],
        preview=False,
    )


# example items while the shop's catalogue is empty: (id, kind, price in grosze, number of
# highlights); their texts are `offer.example.<id>.*` in the catalogues
_EXAMPLES: tuple[tuple[str, str, int, int], ...] = (
    ("pakiet-start", "package", 3999, 3),
    ("pakiet-rodzina", "package", 6999, 3),
    ("pakiet-premium", "package", 10999, 3),
    ("stb-hd", "stb", 19900, 0),
    ("stb-4k", "stb", 39900, 0),
)


def _examples(lang: str) -> list[OfferItem]:
    def text(item: str, part: str) -> str:
        return i18n.translate(lang, f"offer.example.{item}.{part}")

    return [
        OfferItem(
            item,
            kind,
            text(item, "name"),
            text(item, "description"),
            price,
            tuple(text(item, f"highlight.{n}") for n in range(1, highlights + 1)),
        )
        for item, kind, price, highlights in _EXAMPLES
    ]
