"""Every domain of the platform, in the order their parts run (erasure hooks, routers)."""

from __future__ import annotations

from imbplus import plugin
from imbplus.auth.plugin import DOMAIN as auth
from imbplus.backup.plugin import DOMAIN as backup
from imbplus.billing.plugin import DOMAIN as billing
from imbplus.compliance.plugin import DOMAIN as compliance
from imbplus.customers.plugin import DOMAIN as customers
from imbplus.devices.plugin import DOMAIN as devices
from imbplus.marketing.plugin import DOMAIN as marketing
from imbplus.notify.plugin import DOMAIN as notify
from imbplus.plugin import PARTS, Domain
from imbplus.portal.plugin import DOMAIN as portal
from imbplus.processors.plugin import DOMAIN as processors
from imbplus.shipping.plugin import DOMAIN as shipping
from imbplus.shop.plugin import DOMAIN as shop
from imbplus.site.plugin import DOMAIN as site
from imbplus.staff.plugin import DOMAIN as staff
from imbplus.surveys.plugin import DOMAIN as surveys
from imbplus.telemetry.plugin import DOMAIN as telemetry
from imbplus.traffic.plugin import DOMAIN as traffic

ALL: tuple[Domain, ...] = (
    compliance,
    auth,
    customers,
    staff,
    portal,
    devices,
    surveys,
    marketing,
    shop,
    billing,
    shipping,
    processors,
    site,
    traffic,
    telemetry,
    notify,
    backup,
)


def load(part: str) -> None:
    """Import every domain's modules for `part` (one of PARTS): they register themselves."""
    if part not in PARTS:
        raise ValueError(f"unknown part {part}")
    for domain in ALL:
        loader = getattr(domain, part)
        if loader is not None:
            loader()


plugin.install(load)  # registries below the domains load their parts through it
