"""Factories with sensible defaults (through the real services)."""

from __future__ import annotations

import itertools

from imbplus.customers import service as customers
from imbplus.customers.schemas import AddressIn, CustomerCreate, CustomerRead
from imbplus.devices import service as devices
from imbplus.devices.schemas import DeviceAssign, DeviceCreate, DeviceRead, DeviceUpdate
from imbplus.privacy.catalog import Purpose
from imbplus.runtime import Runtime
from imbplus.staff import mfa
from imbplus.staff import service as staff_service
from imbplus.staff.models import Staff

_n = itertools.count(1)
PASSWORD = "correct horse battery staple"


def customer_data(**overrides: object) -> CustomerCreate:
    n = next(_n)
    data: dict[str, object] = {
        "name": f"Zofia Wiśniewska{n}",
        "email": f"zofia.wisniewska{n}@example.pl",
        "phone": f"+48 601 {n % 1000:03d} {n % 997:03d}",
        "address": {"street": f"ul. Kwiatowa {n}", "postal_code": "31-042", "city": "Kraków"},
    }
    data.update(overrides)
    address = data.pop("address")
    return CustomerCreate(address=AddressIn(**address), **data)  # type: ignore[arg-type]


def make_customer(rt: Runtime, **overrides: object) -> CustomerRead:
    with rt.job("demo", Purpose.SERVICE_DELIVERY) as ctx:
        return customers.create(ctx, customer_data(**overrides))


def make_staff(
    rt: Runtime,
    *roles: str,
    username: str | None = None,
    password: str | None = PASSWORD,
    enrolled: bool = True,
) -> tuple[Staff, str]:
    """An employee and their API token; `enrolled` gives them a second factor (P12), as
    every role that handles personal data needs (log in with `tests.support.console`)."""
    with rt.job("tests", Purpose.SECURITY) as ctx:
        n = next(_n)
        staff, token = staff_service.add(
            ctx,
            name=f"Test {'-'.join(roles)} {n}",
            roles=list(roles),
            username=username or f"{roles[0]}{n}",
            password=password,
        )
        if enrolled:
            mfa.enrol_directly(ctx, staff)
        return staff, token


def api_headers(token: str, purpose: str | None = "service_delivery") -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    if purpose:
        headers["X-Purpose"] = purpose
    return headers


def make_subscriber(rt: Runtime, password: str = PASSWORD, **overrides: object) -> CustomerRead:
    """A customer with a portal login."""
    from imbplus.portal import service as portal

    customer = make_customer(rt, **overrides)
    with rt.job("demo", Purpose.SERVICE_DELIVERY) as ctx:
        portal.open_account(ctx, customer.id, password)
    return customer


_serials = itertools.count(1)


def make_device(
    rt: Runtime,
    customer_id: str | None = None,
    *,
    postal_code: str = "31-042",
    model: str = "IMB-4K-100",
    firmware: str = "4.2.3",
    status: str = "active",
) -> tuple[DeviceRead, str]:
    """A registered box (assigned and active when a customer is given) and its token."""
    n = next(_serials)
    with rt.job("seed", Purpose.SERVICE_DELIVERY) as ctx:
        device = devices.register(
            ctx,
            DeviceCreate(
                serial=f"TST{n:010d}",
                mac=f"02:00:00:{n >> 16 & 255:02X}:{n >> 8 & 255:02X}:{n & 255:02X}",
                model=model,
                firmware=firmware,
            ),
        )
        if customer_id:
            devices.assign(
                ctx,
                device.id,
                DeviceAssign(
                    customer_id=customer_id,
                    install_address=AddressIn(
                        street="ul. Lipowa 3", postal_code=postal_code, city="Kraków"
                    ),
                ),
            )
            if status != "shipped":
                devices.update_device(ctx, device.id, DeviceUpdate(status=status))
        issued = devices.issue_token(ctx, device.id)
    return device, issued.token
