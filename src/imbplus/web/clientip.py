"""The client's address, and its masked form (IPv4 /24, IPv6 /48) for anything kept (P21)."""

from __future__ import annotations

import ipaddress

from starlette.requests import HTTPConnection

UNKNOWN = "unknown"


def client_address(request: HTTPConnection) -> str:
    """The peer address (uvicorn resolves the TLS proxy's X-Forwarded-For for loopback)."""
    return request.client.host if request.client else UNKNOWN


def mask(address: str) -> str:
    """`192.0.2.77` -> `192.0.2.0/24`, `2001:db8:1:2::5` -> `2001:db8:1::/48`."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return UNKNOWN
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))
