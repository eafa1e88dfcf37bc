"""The channels of each package (catalogue data, no personal data).

The packages are tiers: each holds the first N channels of one line-up, so a package's
channel count, its HD count and the site's "up to N channels" all come from here; the
packages' descriptions in the catalogue name the same numbers (a test holds them to it).
A product without a line-up here (added later by staff) has no channel list page.
"""

from __future__ import annotations

from dataclasses import dataclass

GENRES = ("general", "news", "kids", "film", "documentary", "music", "lifestyle", "sport")


@dataclass(frozen=True)
class Channel:
    number: int
    name: str
    genre: str
    hd: bool


# (genre, how many channels of it) per tier, in the order they join the line-up
_TIERS: dict[str, tuple[tuple[str, int], ...]] = {
    "pkg-start": (
        ("general", 16),
        ("news", 10),
        ("kids", 8),
        ("film", 10),
        ("documentary", 8),
        ("music", 4),
        ("lifestyle", 4),
    ),
    "pkg-family": (
        ("kids", 16),
        ("film", 14),
        ("documentary", 12),
        ("music", 8),
        ("lifestyle", 10),
    ),
    "pkg-sport": (("sport", 30), ("film", 10)),
}
_ORDER = ("pkg-start", "pkg-family", "pkg-sport")
_SD_EVERY = 3  # one channel in three is SD (SD-only channels are the cheap ones)
_NAMES = {  # brand names, the same in every language
    "general": "Prime",
    "news": "Flash",
    "kids": "Junior",
    "film": "Cine",
    "documentary": "Docu",
    "music": "Hits",
    "lifestyle": "Vibe",
    "sport": "Arena",
}


def _build() -> dict[str, tuple[Channel, ...]]:
    lineup: list[Channel] = []
    seen: dict[str, int] = {}
    out: dict[str, tuple[Channel, ...]] = {}
    for package in _ORDER:
        for genre, count in _TIERS[package]:
            for _ in range(count):
                seen[genre] = seen.get(genre, 0) + 1
                number = len(lineup) + 1
                name = f"IMB {_NAMES[genre]} {seen[genre]}"
                lineup.append(Channel(number, name, genre, number % _SD_EVERY != 0))
        out[package] = tuple(lineup)
    return out


LINEUPS = _build()


def channels(product_id: str) -> tuple[Channel, ...]:
    """The package's channels in programme order; empty for a product without a line-up."""
    return LINEUPS.get(product_id, ())


def most_channels(product_ids: list[str]) -> int:
    """The largest channel count among the given packages (0 without line-ups)."""
    return max((len(channels(p)) for p in product_ids), default=0)
