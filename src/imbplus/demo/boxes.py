"""`imbplus seed`: a registry of boxes assigned to fictitious customers, and days of their
activity generated straight into the store (vectorized, one durable file set per day)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from sqlalchemy import func, select

from imbplus.clock import clock
from imbplus.customers.models import Customer
from imbplus.customers.schemas import AddressIn
from imbplus.demo.customers import fake_customers, load
from imbplus.devices import pseudonyms
from imbplus.devices import service as devices
from imbplus.devices.models import Device
from imbplus.devices.schemas import DeviceAssign, DeviceCreate, DeviceUpdate
from imbplus.privacy.catalog import Purpose
from imbplus.runtime import Runtime
from imbplus.telemetry import maintenance
from imbplus.telemetry.generator import MODEL_SHARE, Fleet, day_events, pick_firmware
from imbplus.telemetry.store import Store

Advance = Callable[[str, int, int], None]  # phase, done, total
BATCH = 250


@dataclass
class SeedReport:
    devices_created: int
    customers_created: int
    events: int
    days: int


def _serial(n: int) -> str:
    return f"IMB{26_000_000_000 + n:011d}"


def _mac(n: int) -> str:
    raw = f"02A1{n:08X}"  # locally administered, unicast
    return ":".join(raw[i : i + 2] for i in range(0, 12, 2))


def ensure_devices(rt: Runtime, count: int, advance: Advance, seed: int) -> tuple[int, int]:
    """At least `count` boxes, each assigned to a customer (about 1.25 boxes per customer)."""
    rng = np.random.default_rng(seed)
    with rt.sessions() as s:
        have = s.execute(select(func.count()).select_from(Device)).scalar_one()
        customers_have = s.execute(
            select(func.count()).select_from(Customer).where(Customer.status == "active")
        ).scalar_one()
    missing = max(0, count - have)
    wanted_customers = max(1, int(count / 1.25))
    new_customers = max(0, wanted_customers - customers_have)
    if new_customers:
        made = 0

        def step(n: int) -> None:
            nonlocal made
            made += n
            advance("customers", made, new_customers)

        load(rt, new_customers, advance=step)
    with rt.sessions() as s:
        owners = list(
            s.execute(
                select(Customer.id).where(Customer.status == "active").order_by(Customer.id)
            ).scalars()
        )
    addresses = list(fake_customers(min(len(owners), 5000), seed=seed + 1))
    models = list(MODEL_SHARE)
    done = 0
    numbers = itertools.count(have + 1)
    while done < missing:
        with rt.job("seed", Purpose.SERVICE_DELIVERY) as ctx:
            for _ in range(min(BATCH, missing - done)):
                n = next(numbers)
                model = str(rng.choice(models, p=list(MODEL_SHARE.values())))
                created = devices.register(
                    ctx,
                    DeviceCreate(
                        serial=_serial(n),
                        mac=_mac(n),
                        model=model,
                        firmware=pick_firmware(model, rng),
                    ),
                )
                owner = owners[(n * 7919) % len(owners)]
                address: AddressIn = addresses[n % len(addresses)].address
                devices.assign(
                    ctx, created.id, DeviceAssign(customer_id=owner, install_address=address)
                )
                devices.update_device(ctx, created.id, DeviceUpdate(status="active"))
                done += 1
        advance("boxes", done, missing)
    return missing, new_customers


def fleet_from_registry(rt: Runtime) -> Fleet:
    """Every active box with its current pseudonym (secrets opened in bulk)."""
    with rt.job("seed", Purpose.SERVICE_DELIVERY) as ctx:
        rows = list(
            ctx.session.execute(
                select(Device).where(Device.status == "active").order_by(Device.id)
            ).scalars()
        )
        current = pseudonyms.current_pseudonyms(ctx, rows, operation="telemetry.seed_fleet")
        return Fleet(
            pseudonym=np.array(current, dtype=np.int64),
            model=np.array([r.model for r in rows], dtype=object),
            firmware=np.array([r.firmware for r in rows], dtype=object),
            region=np.array([r.region or "unknown" for r in rows], dtype=object),
        )


def seed(rt: Runtime, devices_n: int, days: int, advance: Advance, seed: int = 2026) -> SeedReport:
    created, customers = ensure_devices(rt, devices_n, advance, seed)
    if days == 0:
        return SeedReport(created, customers, 0, 0)
    fleet = fleet_from_registry(rt)
    store = Store(rt.settings.telemetry_root)
    store.recover()
    rng = np.random.default_rng(seed)
    now = clock.now()
    today = now.date()
    events = 0
    for i in range(days):
        day = today - timedelta(days=days - 1 - i)
        table = day_events(fleet, day, rng, not_after_ms=clock.now_us() // 1000)
        if table.num_rows:
            store.write_batch(table)
        events += table.num_rows
        advance("activity days", i + 1, days)
    # one file per finished day and its rollups, as the daily job would leave them
    maintenance.compact(rt, min_files=2, progress=lambda d, t: advance("rollups", d, t))
    with rt.job("seed", Purpose.SERVICE_DELIVERY) as ctx:
        ctx.note("telemetry.seeded", reason=f"boxes={len(fleet)} days={days} events={events}")
    return SeedReport(created, customers, events, days)
