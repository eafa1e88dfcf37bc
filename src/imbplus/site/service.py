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
        items = _PLACEHOLDERS["pl" if lang == "pl" else "en"]
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


_PLACEHOLDERS: dict[str, list[OfferItem]] = {
    "pl": [
        OfferItem(
            "pakiet-start",
            "package",
            "Start",
            "Ponad 60 kanałów, w tym najważniejsze kanały informacyjne i dla dzieci.",
            3999,
            ("60+ kanałów", "7 dni wstecz", "2 ekrany"),
        ),
        OfferItem(
            "pakiet-rodzina",
            "package",
            "Rodzina",
            "Ponad 120 kanałów: film, sport, dokument i bajki, z biblioteką VOD.",
            6999,
            ("120+ kanałów", "biblioteka VOD", "3 ekrany"),
        ),
        OfferItem(
            "pakiet-premium",
            "package",
            "Premium",
            "Wszystkie kanały, w tym sportowe i filmowe premium, oraz nagrywanie w chmurze.",
            10999,
            ("180+ kanałów", "nagrywanie 100 h", "4 ekrany"),
        ),
        OfferItem(
            "stb-hd",
            "stb",
            "Dekoder IMB+ HD",
            "Mały dekoder Full HD z pilotem, HDMI i Wi-Fi.",
            19900,
        ),
        OfferItem(
            "stb-4k",
            "stb",
            "Dekoder IMB+ 4K",
            "Dekoder 4K HDR z pilotem głosowym i kontrolą rodzicielską (PIN).",
            39900,
        ),
    ],
    "en": [
        OfferItem(
            "pakiet-start",
            "package",
            "Start",
            "Over 60 channels, including the main news and children's channels.",
            3999,
            ("60+ channels", "7-day replay", "2 screens"),
        ),
        OfferItem(
            "pakiet-rodzina",
            "package",
            "Family",
            "Over 120 channels: film, sport, documentaries and cartoons, with a VOD library.",
            6999,
            ("120+ channels", "VOD library", "3 screens"),
        ),
        OfferItem(
            "pakiet-premium",
            "package",
            "Premium",
            "Every channel, premium sport and film included, plus cloud recording.",
            10999,
            ("180+ channels", "100 h recording", "4 screens"),
        ),
        OfferItem(
            "stb-hd",
            "stb",
            "IMB+ HD box",
            "A small Full HD box with remote, HDMI and Wi-Fi.",
            19900,
        ),
        OfferItem(
            "stb-4k",
            "stb",
            "IMB+ 4K box",
            "A 4K HDR box with a voice remote and parental control (PIN).",
            39900,
        ),
    ],
}
