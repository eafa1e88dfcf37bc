"""Formats of box identifiers and of the customer's STB secrets. Errors never echo a value."""

from __future__ import annotations

import re

SERIAL = re.compile(r"^[A-Z]{3}[0-9A-Z]{9,13}$")
_MAC_CHARS = re.compile(r"^[0-9A-F]{12}$")
MODEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{1,31}$")
FIRMWARE = re.compile(r"^[0-9]{1,4}(\.[0-9]{1,4}){1,3}([.-][A-Za-z0-9]{1,12})?$")
PIN = re.compile(r"^[0-9]{4,8}$")

# First digit of a Polish postal code: the postal district, a coarse region (1 of 10).
REGIONS = {
    "0": "Warszawa",
    "1": "Olsztyn-Białystok",
    "2": "Lublin",
    "3": "Kraków-Rzeszów",
    "4": "Katowice-Opole",
    "5": "Wrocław",
    "6": "Poznań",
    "7": "Szczecin",
    "8": "Gdańsk-Bydgoszcz",
    "9": "Łódź",
}


def serial(value: str) -> str:
    value = value.strip().upper()
    if not SERIAL.match(value):
        raise ValueError("3 letters (maker) then 9 to 13 letters or digits, e.g. SGM2611000123")
    return value


def mac(value: str) -> str:
    """AA:BB:CC:DD:EE:FF, aa-bb-..., or aabbccddeeff -> AA:BB:CC:DD:EE:FF (unicast only)."""
    raw = value.strip().upper().replace(":", "").replace("-", "").replace(".", "")
    if not _MAC_CHARS.match(raw):
        raise ValueError("six hexadecimal byte pairs, e.g. 00:1A:2B:3C:4D:5E")
    if int(raw[:2], 16) & 1:
        raise ValueError("a multicast address cannot belong to a box")
    if raw in ("000000000000", "FFFFFFFFFFFF"):
        raise ValueError("not a device address")
    return ":".join(raw[i : i + 2] for i in range(0, 12, 2))


def model(value: str) -> str:
    value = value.strip()
    if not MODEL.match(value):
        raise ValueError("2-32 characters: letters, digits, space, dot, dash, underscore")
    return value


def firmware(value: str) -> str:
    value = value.strip()
    if not FIRMWARE.match(value):
        raise ValueError("a version like 4.2.1 or 4.2.1-rc1")
    return value


def pin(value: str) -> str:
    if not PIN.match(value):
        raise ValueError("4 to 8 digits")
    if len(set(value)) == 1 or value in "0123456789" or value in "9876543210":
        raise ValueError("too easy to guess (repeated or consecutive digits)")
    return value


def region_of(postal_code: str) -> str | None:
    return REGIONS.get(postal_code[:1])
