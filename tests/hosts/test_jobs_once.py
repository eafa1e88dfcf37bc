"""Scheduled jobs started on two hosts at once do the work once. The second start of the
retention run or the billing run finds the lease taken (a PostgreSQL advisory lock; on
SQLite, one host, a file lock) and does nothing, saying why; two outbox runs share the
messages, each claimed once.

The second start happens while the first is under way (from its progress callback), with a
runtime of its own, as another host's would be: its own engine and connections."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import func, select

from imbplus.clock import clock
from imbplus.compliance import retention
from imbplus.compliance.retention_models import DeletionReceipt
from imbplus.notify import worker
from imbplus.notify.sandbox import SandboxSms
from imbplus.privacy.disclosure import Disclosure
from imbplus.runtime import LeaseTaken, Runtime
from imbplus.settings import Settings
from imbplus.shop import billing_run
from imbplus.telemetry import maintenance
from imbplus.telemetry.generator import day_events, synthetic_fleet
from imbplus.telemetry.store import Store
from tests.support.cli import imbplus
from tests.support.factories import make_customer
from tests.support.shop import card, place_order, setup_shop


@pytest.fixture
def other_host(settings: Settings) -> Iterator[Runtime]:
    other = Runtime(settings)
    yield other
    other.dispose()


def _receipts(rt: Runtime) -> int:
    with rt.sessions() as s:
        return int(s.execute(select(func.count()).select_from(DeletionReceipt)).scalar_one())


def test_a_second_retention_run_skips_while_one_is_under_way(
    rt: Runtime, other_host: Runtime
) -> None:
    refusals: list[str] = []

    def second_start(_rule: str) -> None:
        if not refusals:
            with pytest.raises(LeaseTaken) as taken:
                retention.run(other_host)
            refusals.append(taken.value.message)

    before = _receipts(rt)
    results = retention.run(rt, progress=second_start)
    assert refusals and "another run of retention" in refusals[0]
    if rt.engine.dialect.name == "postgresql":  # and which database session holds it
        assert "holds its lease (database session" in refusals[0]
    assert _receipts(rt) - before == len(results)  # one receipt per rule: one run did it
    assert len(retention.run(other_host)) == len(results)  # the lease was let go


def test_a_dry_run_needs_no_lease(rt: Runtime, other_host: Runtime) -> None:
    dry: list[int] = []
    retention.run(rt, progress=lambda _r: dry.append(len(retention.run(other_host, dry_run=True))))
    assert dry and dry[0] > 0


def test_the_command_says_it_skipped_and_exits_0(rt: Runtime, settings: Settings) -> None:
    said: list[str] = []

    def second_start(_rule: str) -> None:
        if not said:
            done = imbplus(settings, "retention", "run")
            said.append(f"{done.returncode} {' '.join(done.stdout.split())}")

    retention.run(rt, progress=second_start)
    assert said[0].startswith("0 skipped: another run of retention")


NOV = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)


def test_a_second_billing_run_or_retry_skips_while_one_is_under_way(
    rt: Runtime, other_host: Runtime
) -> None:
    clock.freeze(NOV)
    setup_shop(rt)
    for _ in range(2):
        place_order(rt, make_customer(rt).id, ("pkg-start", 1), card=card(save=True))
    clock.freeze(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))
    refusals: list[str] = []

    def second_start(_n: int) -> None:
        if not refusals:
            for start in (
                lambda: billing_run.run_month(other_host, "2026-12"),
                lambda: billing_run.retry_failed(other_host),
            ):
                with pytest.raises(LeaseTaken) as taken:
                    start()
                refusals.append(taken.value.message)

    report = billing_run.run_month(rt, "2026-12", advance=second_start)
    assert (report.invoiced, report.paid) == (2, 2)
    assert len(refusals) == 2 and all("another run of billing" in r for r in refusals)
    again = billing_run.run_month(other_host, "2026-12")
    assert (again.invoiced, again.already_billed) == (0, 2)


class _Mail:
    sandbox = True

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, to: str, subject: str, body: str) -> str:
        self.sent.append(to)
        return f"sandbox-mail-{len(self.sent)}"


def test_two_outbox_runs_at_once_hand_each_message_over_once(
    rt: Runtime, other_host: Runtime
) -> None:
    setup_shop(rt)
    for _ in range(3):
        place_order(rt, make_customer(rt).id)  # an e-mail and an SMS each
    senders = worker.Senders(email=_Mail(), sms=SandboxSms())  # type: ignore[arg-type]
    second: list[worker.RunReport] = []

    def second_start(_n: int) -> None:
        if not second:
            second.append(worker.run_once(other_host, senders))

    first = worker.run_once(rt, senders, advance=second_start)
    assert first.sandboxed + second[0].sandboxed == 6
    assert first.elsewhere == second[0].sandboxed  # what the other run took, this one left
    assert len(senders.email.sent) == len(senders.sms.sent) == 3  # type: ignore[attr-defined]
    with rt.sessions() as s:
        handed = s.execute(
            select(func.count()).where(Disclosure.purpose == "shipment_contact")
        ).scalar_one()
    assert handed == 6  # one hand-over in the register per message


def test_a_second_compaction_of_the_dataset_skips_while_one_is_under_way(
    rt: Runtime, other_host: Runtime
) -> None:
    store = Store(rt.settings.telemetry_root)
    rng = np.random.default_rng(3)
    fleet = synthetic_fleet(5, rng)
    for _ in range(2):  # two batch files of a finished day
        store.write_batch(day_events(fleet, clock.now().date() - timedelta(days=2), rng))
    refusals: list[str] = []

    def second_start(_done: int, _total: int) -> None:
        if not refusals:
            with pytest.raises(LeaseTaken) as taken:
                maintenance.compact(other_host, min_files=2)
            refusals.append(taken.value.message)

    report = maintenance.compact(rt, min_files=2, progress=second_start)
    assert report.days >= 1 and report.files_after < report.files_before
    assert refusals and "another run of telemetry_compaction" in refusals[0]
