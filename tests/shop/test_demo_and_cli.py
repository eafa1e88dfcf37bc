"""The demo shop and the command line as an operator uses them."""

from __future__ import annotations

from sqlalchemy import func, select

from imbplus.billing.models import Invoice
from imbplus.customers.models import Customer
from imbplus.demo import shop as demo_shop
from imbplus.demo.customers import load
from imbplus.runtime import Runtime
from imbplus.settings import Settings
from imbplus.shop.models import Order
from tests.support.cli import imbplus


def _ids(rt: Runtime) -> list[str]:
    with rt.sessions() as s:
        return list(s.execute(select(Customer.id).order_by(Customer.created_at)).scalars())


def test_demo_orders_are_placed_once(rt: Runtime) -> None:
    load(rt, 6, batch=6)
    assert demo_shop.load(rt, _ids(rt), count=4) == 4
    assert demo_shop.load(rt, _ids(rt), count=4) == 0
    with rt.sessions() as s:
        assert s.execute(select(func.count()).select_from(Order)).scalar_one() == 4
        assert s.execute(select(func.count()).select_from(Invoice)).scalar_one() == 4


def test_cli_billing_run_twice_outbox_processors_shipping(settings: Settings, rt: Runtime) -> None:
    load(rt, 3, batch=3)
    demo_shop.load(rt, _ids(rt), count=3)
    catalogue = imbplus(settings, "shop", "products")
    assert catalogue.returncode == 0 and "Pakiet Rodzina" in catalogue.stdout
    listed = imbplus(settings, "processors", "list")
    assert (
        "sandbox-carrier" in listed.stdout and "shipment_record:shipment_contact" in listed.stdout
    )
    bad = imbplus(settings, "billing", "run", "--month", "2026-13", "-q")
    assert bad.returncode == 2 and "month" in bad.stderr and "Traceback" not in bad.stderr
    first = imbplus(settings, "billing", "run", "--month", "2099-01", "-q")
    assert first.returncode == 0, first.stderr
    invoiced = first.stdout.split("invoiced now")[1].split("\n")[0]
    assert invoiced.split("│")[-2].strip() == "3", first.stdout
    assert "payment provider: the sandbox" in first.stdout  # no charge passed off as real
    second = imbplus(settings, "billing", "run", "--month", "2099-01", "-q")
    assert "already invoiced (skipped)" in second.stdout
    with rt.sessions() as s:
        assert s.execute(select(func.count()).select_from(Invoice)).scalar_one() == 6
    status = imbplus(settings, "outbox", "status")
    assert status.returncode == 0 and "pending/email" in status.stdout
    shipments = imbplus(settings, "shipping", "status")
    assert "created" in shipments.stdout
    purge = imbplus(settings, "shipping", "purge", "--dry-run")
    assert purge.returncode == 0 and "due for purge: 0" in purge.stdout
