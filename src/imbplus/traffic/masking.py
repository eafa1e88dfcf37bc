"""What the request log keeps of a request: masked networks, route shapes, referrer domains."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urlsplit

from imbplus.web.i18n import DEFAULT, LANGS

IPV4_PREFIX = 24
IPV6_PREFIX = 48
UNKNOWN = "unknown"
NOT_FOUND = "(not found)"
_ID = re.compile(r"^(?:[0-9]+|[0-9a-fA-F-]{16,}|[A-Za-z0-9_~.-]{24,})$")


@lru_cache(maxsize=65_536)
def mask_ip(address: str) -> str:
    """The network of an address: IPv4 /24, IPv6 /48 (an IPv4-mapped IPv6 address as IPv4)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return UNKNOWN
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = IPV4_PREFIX if ip.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def literal_segments(route_paths: Iterable[str]) -> frozenset[str]:
    """The words the application's own routes are made of (`/api/v1/customers/{id}` gives
    api, v1 and customers): any other segment of a requested path is a value."""
    return frozenset(
        part for path in route_paths for part in path.split("/") if part and "{" not in part
    )


@lru_cache(maxsize=16_384)
def route_of(path: str, status: int, known: frozenset[str] | None = None) -> tuple[str, str]:
    """(language, route shape): ids, tokens and, when the application's own words are
    `known`, every other segment become {id} (an e-mail typed into a URL is not kept, P05);
    unknown paths are not kept."""
    lang = DEFAULT
    for candidate in LANGS:
        if path == f"/{candidate}" or path.startswith(f"/{candidate}/"):
            lang, path = candidate, path[len(candidate) + 1 :] or "/"
            break
    if status == 404:
        return lang, NOT_FOUND
    parts = [
        "{id}" if _ID.match(p) or (known is not None and p and p not in known) else p
        for p in path.split("/")
    ]
    return lang, "/".join(parts)[:200] or "/"


@lru_cache(maxsize=16_384)
def referrer_domain(referer: str | None, host: str | None) -> str | None:
    """The domain of an external referrer (no path, no query); None for our own pages."""
    if not referer:
        return None
    try:
        parts = urlsplit(referer.strip())
        name = parts.hostname
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not name:
        return None
    if host and name == _hostname(host):
        return None
    return name.removeprefix("www.")[:253]


def _hostname(host: str) -> str | None:
    try:
        return urlsplit(f"//{host}").hostname
    except ValueError:
        return None
