from __future__ import annotations

from imbplus.anonymize import Hierarchy, table

CITY = table(
    {
        "Kraków": ("małopolskie", "*"),
        "Tarnów": ("małopolskie", "*"),
        "Gdańsk": ("pomorskie", "*"),
        "Gdynia": ("pomorskie", "*"),
    }
)

# Ten people; with k=2 and ages in 5-year bands, only the two in their fifties are alone.
TEN = {
    "name": [f"person {i}" for i in range(1, 11)],
    "age": ["21", "23", "27", "28", "31", "33", "36", "37", "52", "58"],
    "city": [
        *("Kraków", "Kraków", "Tarnów", "Tarnów", "Gdańsk"),
        *("Gdańsk", "Gdynia", "Gdynia", "Kraków", "Gdańsk"),
    ],
    "plan": [
        *("basic", "premium", "basic", "sport", "basic"),
        *("basic", "premium", "sport", "basic", "premium"),
    ],
}


def hierarchies() -> dict[str, Hierarchy]:
    return {"city": CITY}
