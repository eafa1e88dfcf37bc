"""What the shop costs: checkout, the monthly billing run, labels, invoice PDFs, the outbox.

    python benchmarks/shop.py [--orders 300] [--database-url URL]

Every step goes through the real services (gate, audit, encryption, disclosure register)
with the sandbox payment provider and SMS gateway and a local SMTP server (aiosmtpd).
Prints one JSON line and saves it in benchmarks/results/shop-<backend>.json.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rich.progress import Progress
from sqlalchemy import select
from tests.support.smtp import SmtpServer

from benchmarks.common import save, scratch_runtime
from imbplus.billing import documents, invoices
from imbplus.billing.models import Invoice
from imbplus.clock import clock
from imbplus.customers import service as customers
from imbplus.demo.customers import fake_customers
from imbplus.notify import worker
from imbplus.notify.sandbox import SandboxSms
from imbplus.notify.senders import SmtpSender
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.processors import service as processors
from imbplus.runtime import Runtime
from imbplus.shipping import service as shipping
from imbplus.shipping.models import Shipment
from imbplus.shop import billing_run, catalog, orders
from imbplus.shop.schemas import OrderCreate


def seed(rt: Runtime, n: int) -> list[str]:
    ids = []
    with rt.job("demo", Purpose.SECURITY) as ctx:
        catalog.load_default(ctx.session)
        processors.register_sandbox(ctx)
    with rt.job("demo", Purpose.SERVICE_DELIVERY) as ctx:
        for person in fake_customers(n, seed=11):
            ids.append(customers.create(ctx, person).id)
    return ids


def checkout(rt: Runtime, ids: list[str]) -> float:
    started = time.perf_counter()
    with Progress(transient=True) as bar:
        task = bar.add_task("orders", total=len(ids))
        for i, cid in enumerate(ids):
            body = OrderCreate.model_validate(
                {
                    "customer_id": cid,
                    "lines": [
                        {"product_id": "stb-hd-s1", "quantity": 1},
                        {"product_id": "pkg-start", "quantity": 1},
                    ],
                    "card": {
                        "number": "4242424242424242",
                        "exp_month": 12,
                        "exp_year": 2030,
                        "cvv": "123",
                        "save": True,
                    },
                }
            )
            with rt.unit_of_work() as s:
                orders.place(Context(s, rt, Actor.customer(cid), Purpose.BILLING), body, f"b-{i}")
            bar.advance(task)
    return len(ids) / (time.perf_counter() - started)


def billing(rt: Runtime) -> tuple[float, int]:
    clock.advance(40 * 86400)
    month = clock.now().strftime("%Y-%m")
    started = time.perf_counter()
    report = billing_run.run_month(rt, month)
    elapsed = time.perf_counter() - started
    again = time.perf_counter()
    billing_run.run_month(rt, month)  # idempotent: nothing billed twice
    rerun = time.perf_counter() - again
    clock.reset()
    return report.invoiced / elapsed, round(report.subscriptions / rerun)


def labels(rt: Runtime, n: int) -> float:
    with rt.unit_of_work() as s:
        ctx = Context(s, rt, Actor.staff(1, ["shipping"]), Purpose.SHIPMENT_CONTACT)
        ids = list(s.execute(select(Shipment.id).limit(n)).scalars())
        started = time.perf_counter()
        for sid in ids:
            shipping.label(ctx, sid)
        return len(ids) / (time.perf_counter() - started)


def invoice_pdfs(rt: Runtime, n: int) -> float:
    with rt.unit_of_work() as s:
        ctx = Context(s, rt, Actor.staff(1, ["billing"]), Purpose.BILLING)
        ids = list(s.execute(select(Invoice.id).limit(n)).scalars())
        started = time.perf_counter()
        for iid in ids:
            documents.render_pdf(invoices.get(ctx, iid))
        return len(ids) / (time.perf_counter() - started)


def outbox(rt: Runtime) -> tuple[float, int]:
    smtp = SmtpServer()
    rt.settings.smtp_port = smtp.port
    senders = worker.Senders(SmtpSender(rt.settings), SandboxSms())
    with smtp as server:
        box = server.mailbox
        started = time.perf_counter()
        report = worker.run_once(rt, senders, limit=100_000)
        elapsed = time.perf_counter() - started
    handled = report.sent + report.sandboxed  # e-mail sent, SMS taken by the sandbox
    assert report.pending == 0 and len(box.messages) == report.sent == report.sandboxed
    return handled / elapsed, handled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with scratch_runtime(args.database_url) as rt:
        backend = rt.engine.dialect.name
        ids = seed(rt, args.orders)
        orders_per_s = checkout(rt, ids)
        invoices_per_s, rerun_per_s = billing(rt)
        messages_per_s, messages = outbox(rt)
        labels_per_s = labels(rt, 100)
        pdfs_per_s = invoice_pdfs(rt, 100)
    save(
        f"shop-{backend}",
        {
            "benchmark": "shop",
            "backend": backend,
            "orders": args.orders,
            "checkout_orders_per_s": round(orders_per_s, 1),
            "billing_run_invoices_per_s": round(invoices_per_s, 1),
            "billing_rerun_subscriptions_per_s": rerun_per_s,
            "outbox_messages": messages,
            "outbox_messages_per_s": round(messages_per_s, 1),
            "label_pdfs_per_s": round(labels_per_s, 1),
            "invoice_pdfs_per_s": round(pdfs_per_s, 1),
        },
    )


if __name__ == "__main__":
    main()
