"""Live checks for the request log (P21)."""

from __future__ import annotations

import ipaddress
from datetime import timedelta

from sqlalchemy import func, select

from imbplus.clock import clock
from imbplus.privacy.checks import Outcome, not_exercised, register
from imbplus.runtime import Runtime
from imbplus.traffic.models import FullRequest, MaskedRequest


@register("P21", "Full client addresses are gone after their short period")
def full_addresses_short_lived(rt: Runtime) -> Outcome:
    limit = rt.settings.request_log_ip_days
    cutoff = clock.now() - timedelta(days=limit + 1)  # a day of slack for the daily purge
    with rt.sessions() as s:
        old = s.execute(
            select(func.count()).select_from(FullRequest).where(FullRequest.at < cutoff)
        ).scalar_one()
        total = s.execute(select(func.count()).select_from(FullRequest)).scalar_one()
    if total == 0:
        return not_exercised("the request log holds no line with a full address")
    return Outcome(
        old == 0,
        f"no full address older than {limit} days"
        if old == 0
        else f"{old} lines with a full address are past {limit} days",
        {"full_address_lines": total, "overdue": old, "limit_days": limit},
    )


@register("P21", "Statistics see only masked networks (IPv4 /24, IPv6 /48)")
def statistics_masked(rt: Runtime) -> Outcome:
    with rt.sessions() as s:
        networks = s.execute(select(MaskedRequest.network).distinct().limit(5000)).scalars().all()
    wide = []
    for value in networks:
        if value == "unknown":
            continue  # clients without an address
        try:  # strict: host bits set ("83.12.3.45/24") is an address, not a network
            net = ipaddress.ip_network(value, strict=True)
        except ValueError:
            wide.append(value)
            continue
        if net.prefixlen > (24 if net.version == 4 else 48):
            wide.append(value)
    if not networks:
        return not_exercised("statistics hold no network yet")
    return Outcome(
        not wide,
        "every stored network is masked"
        if not wide
        else f"networks narrower than the mask: {wide[:3]}",
        {"networks_checked": len(networks)},
    )
