"""P13: the retention evidence turns red on realistic breaks, and green after a purge.

Each test breaks the system the way it could break in operation (a row back-dated past its
period, a rule dropped from the schedule, a file with an old date left in place) and asserts
that the check, found by its title, fails naming the rule, the store and the count.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from imbplus.clock import clock
from imbplus.compliance import evidence, retention
from imbplus.compliance.evidence import Outcome
from imbplus.compliance.rights_models import SubjectRequest
from imbplus.customers.models import Customer
from imbplus.devices.models import Device
from imbplus.notify.models import OutboxMessage
from imbplus.privacy.catalog import Category, Purpose
from imbplus.runtime import Runtime
from imbplus.shop.models import Order, Product, Subscription
from imbplus.site import feedback
from imbplus.site.models import ConsentRecord, PrivacyInquiry
from imbplus.site.schemas import FeedbackIn
from imbplus.staff import service as staff_service
from imbplus.staff.models import Staff
from tests.support.factories import make_customer, make_device, make_staff, make_subscriber

CATEGORIES = "Every personal category has a retention rule"
STORES = "Nothing is kept past its retention rule"
YEAR = timedelta(days=365).total_seconds()


def _run(rt: Runtime, title: str) -> Outcome:
    (check,) = [c for c in evidence.checks() if c.title == title]
    return check.run(rt)


def _ended_contract(rt: Runtime, customer_id: str, *, ended_days_ago: int | None) -> None:
    """A subscription of the customer that ended that long ago (written as the shop would
    leave it after a cancellation, dated directly); None: one that still runs."""
    now = clock.now()
    ago = ended_days_ago or 0
    with rt.unit_of_work() as s:
        if s.get(Product, "test-package") is None:
            s.add(
                Product(
                    id="test-package",
                    kind="package",
                    name="Test package",
                    description="Test",
                    price_gross=4900,
                    vat_rate_bp=2300,
                    created_at=now,
                )
            )
        order_id = str(uuid.uuid4())
        s.add(
            Order(
                id=order_id,
                customer_id=customer_id,
                status="completed",
                placed_by=customer_id,
                total_gross=4900,
                created_at=now - timedelta(days=ago + 400),
                updated_at=now - timedelta(days=ago + 400),
            )
        )
        s.flush()
        s.add(
            Subscription(
                id=str(uuid.uuid4()),
                customer_id=customer_id,
                product_id="test-package",
                order_id=order_id,
                status="active" if ended_days_ago is None else "cancelled",
                monthly_gross=4900,
                vat_rate_bp=2300,
                started_at=now - timedelta(days=ago + 400),
                ended_at=None if ended_days_ago is None else now - timedelta(days=ago),
            )
        )


def _send_feedback(rt: Runtime) -> str:
    with rt.job("site", Purpose.SERVICE_IMPROVEMENT) as ctx:
        data = FeedbackIn(topic="site", message="Wider channel list, please.", understood=True)
        return feedback.submit(ctx, data, lang="pl").id


def test_p13_every_personal_category_has_a_rule(rt: Runtime) -> None:
    outcome = _run(rt, CATEGORIES)
    assert outcome.passed, outcome.detail
    assert outcome.figures["missing"] == 0 and outcome.figures["personal_categories"] == 17


def test_p13_a_category_whose_rule_was_removed_is_named(
    rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    retention.schedule()  # every rule module registered
    monkeypatch.delitem(retention._RULES, "site.feedback")
    outcome = _run(rt, CATEGORIES)
    assert not outcome.passed and outcome.exercised
    assert "feedback" in outcome.detail and outcome.figures["missing"] == 1


def test_p13_the_stores_hold_nothing_past_their_rule_after_a_purge(rt: Runtime) -> None:
    gone = make_subscriber(rt)  # a portal login and a box: every erasure hook has work
    make_device(rt, gone.id)
    _ended_contract(rt, gone.id, ended_days_ago=10)
    stays = make_customer(rt)
    _ended_contract(rt, stays.id, ended_days_ago=None)  # a contract that still runs
    never = make_customer(rt)  # an account opened, nothing ordered
    _send_feedback(rt)
    staff, _ = make_staff(rt, "support")
    with rt.job("tests", Purpose.SECURITY) as ctx:
        staff_service.set_active(ctx, ctx.session.get(Staff, staff.id), False)  # type: ignore[arg-type]
    clock.advance(4 * YEAR)
    before = _run(rt, STORES)
    assert not before.passed
    retention.run(rt)
    outcome = _run(rt, STORES)
    assert outcome.passed, outcome.detail
    assert outcome.figures["past_their_rule"] == 0 and outcome.figures["items_looked_at"] > 0
    with rt.sessions() as s:
        assert s.get(Customer, gone.id).status == "erased"  # type: ignore[union-attr]
        assert s.get(Customer, stays.id).status == "active"  # type: ignore[union-attr]
        assert s.get(Customer, never.id).status == "erased"  # type: ignore[union-attr]
        assert s.get(Staff, staff.id).username == f"departed-{staff.id}"  # type: ignore[union-attr]


def test_p13_a_customer_past_the_end_of_contract_is_named(rt: Runtime) -> None:
    customer = make_customer(rt)
    _ended_contract(rt, customer.id, ended_days_ago=10)
    assert _run(rt, STORES).passed  # ten days after the end of the contract: kept
    with rt.engine.begin() as conn:  # the end of the contract back-dated past its period
        conn.execute(
            text("UPDATE subscriptions SET ended_at = :old WHERE customer_id = :c"),
            {"old": clock.now() - timedelta(days=4 * 365), "c": customer.id},
        )
    outcome = _run(rt, STORES)
    assert not outcome.passed
    for rule in ("customers.identity", "customers.contact", "customers.address"):
        assert f"{rule}: 1 in customers" in outcome.detail
    # a legal hold keeps the record, and the evidence accepts it
    with rt.job("tests", Purpose.LEGAL_OBLIGATION) as ctx:
        retention.add_hold(ctx, customer.id, "court order 12/2026")
    assert _run(rt, STORES).passed
    retention.run(rt)
    with rt.sessions() as s:
        assert s.get(Customer, customer.id).status == "active"  # type: ignore[union-attr]


def test_p13_a_back_dated_feedback_row_is_named(rt: Runtime) -> None:
    make_customer(rt)
    feedback_id = _send_feedback(rt)
    assert _run(rt, STORES).passed
    with rt.engine.begin() as conn:
        conn.execute(
            text("UPDATE feedback SET received_at = :old WHERE id = :id"),
            {"old": clock.now() - timedelta(days=3 * 365), "id": feedback_id},
        )
    outcome = _run(rt, STORES)
    assert not outcome.passed and "site.feedback: 1 in feedback" in outcome.detail
    retention.run(rt, only="site.feedback")
    assert _run(rt, STORES).passed


def _old_rows(rt: Runtime, customer_id: str, device_id: str) -> None:
    """Rows as the services leave them, each dated 4 years back (written directly)."""
    old = clock.now() - timedelta(days=4 * 365)
    blob = bytes(64)  # stands for a ciphertext; no check here reads values
    with rt.unit_of_work() as s:
        s.add(
            OutboxMessage(
                customer_id=customer_id,
                channel="sms",
                purpose="shipment_contact",
                category="shipment_contact",
                reference="shipment:1",
                status="sent",
                attempts=1,
                next_attempt_at=old,
                created_at=old,
                sent_at=old,
            )
        )
        s.add(
            SubjectRequest(
                customer_id=customer_id,
                kind="access",
                channel="portal",
                status="done",
                received_at=old,
                due_at=old + timedelta(days=30),
                completed_at=old + timedelta(days=2),
                outcome="exported",
            )
        )
        s.add(
            ConsentRecord(
                id=uuid.uuid4().hex,
                site="imbplus",
                lang="pl",
                action="accept_all",
                preferences=True,
                statistics=True,
                decided_at=old,
                ip_masked_ct=blob,
            )
        )
        s.add(
            PrivacyInquiry(
                id=str(uuid.uuid4()),
                reference="PQ-OLD-0001",
                topic="policy",
                lang="pl",
                status="closed",
                received_at=old,
                due_at=old + timedelta(days=30),
                answered_at=old + timedelta(days=3),
                closed_at=old + timedelta(days=3),
                updated_at=old + timedelta(days=3),
                email_ct=blob,
                message_ct=blob,
            )
        )
        device = s.get(Device, device_id)
        assert device is not None
        device.last_ip_ct, device.last_seen_at, device.updated_at = blob, old, old


def test_p13_each_rule_is_proved_from_its_own_store(rt: Runtime) -> None:
    customer = make_customer(rt)
    device, _ = make_device(rt, customer.id)
    _old_rows(rt, customer.id, device.id)
    outcome = _run(rt, STORES)
    assert not outcome.passed
    for named in (
        "notify.outbox.shipment_contact: 1 in outbox_messages (shipment_contact)",
        "privacy.subject_requests: 1 in subject_requests",
        "site.consent_records: 1 in consent_records",
        "site.privacy_inquiries: 1 in privacy_inquiries",
        "devices.last_ip: 1 in devices",
    ):
        assert named in outcome.detail
    assert "notify.outbox.contact" not in outcome.detail  # its own category only
    done = {r.rule: r.count for r in retention.run(rt)}
    assert done["notify.outbox.shipment_contact"] == done["devices.last_ip"] == 1
    assert done["site.consent_records"] == done["site.privacy_inquiries"] == 1
    outcome = _run(rt, STORES)
    assert outcome.passed, outcome.detail
    with rt.sessions() as s:
        assert s.get(Device, device.id).last_ip_ct is None  # type: ignore[union-attr]
        assert s.execute(select(SubjectRequest.id)).first() is None


def test_p13_a_young_consent_proof_cannot_be_deleted(rt: Runtime) -> None:
    """The database itself refuses to delete a consent record under a year old (migration
    20261204_0020); an old one goes with its retention rule."""
    with rt.unit_of_work() as s:
        s.add(
            ConsentRecord(
                id=uuid.uuid4().hex,
                site="imbplus",
                lang="pl",
                action="reject_all",
                preferences=False,
                statistics=False,
                decided_at=clock.now(),
                ip_masked_ct=bytes(64),
            )
        )
    with pytest.raises(DBAPIError), rt.engine.begin() as conn:
        conn.execute(text("DELETE FROM consent_records"))


def test_p13_an_old_telemetry_partition_left_in_place_is_named(rt: Runtime) -> None:
    make_customer(rt)
    old = clock.now().date() - timedelta(days=rt.settings.telemetry_retention_days + 3)
    day = rt.settings.telemetry_root / "events" / f"day={old.isoformat()}"
    day.mkdir(parents=True)
    (day / "part-0.parquet").write_bytes(b"PAR1")
    outcome = _run(rt, STORES)
    assert not outcome.passed
    assert "telemetry.days: 1 in telemetry day partitions" in outcome.detail
    assert "telemetry.days: 1 in telemetry files" in outcome.detail


def test_p13_backups_beyond_their_own_retention_are_named(rt: Runtime) -> None:
    make_customer(rt)
    root = rt.settings.backup_root
    for n in range(rt.settings.backup_keep + 2):
        folder = root / f"imbplus-2020010{n}T000000Z"
        folder.mkdir(parents=True)
        (folder / "manifest.json").write_text("{}")
    outcome = _run(rt, STORES)
    assert not outcome.passed and "backup_keep: 2 in backups" in outcome.detail


def test_p13_a_rule_without_an_evidence_probe_fails(
    rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_customer(rt)
    retention.schedule()
    rule = retention.Rule(
        name="tests.unprobed",
        category=Category.FEEDBACK,
        period=retention.days(1),
        legal_basis="test",
        description="A rule nobody can prove.",
    )
    monkeypatch.setitem(retention._RULES, rule.name, rule)
    outcome = _run(rt, STORES)
    assert not outcome.passed and "tests.unprobed" in outcome.detail


def test_p13_nothing_to_look_at_is_not_a_pass(rt: Runtime) -> None:
    with rt.sessions() as s:
        assert s.execute(select(Customer.id)).first() is None
    outcome = _run(rt, STORES)
    assert not outcome.exercised and outcome.detail.startswith("not exercised")
    assert outcome.figures["items_looked_at"] == 0


def test_p13_a_record_that_never_had_a_contract_is_erased_after_its_period(rt: Runtime) -> None:
    never = make_customer(rt)  # registered, nothing ordered
    recent = make_customer(rt)
    assert _run(rt, STORES).passed  # new records: kept
    with rt.engine.begin() as conn:  # the first record last changed three years ago
        conn.execute(
            text("UPDATE customers SET updated_at = :old WHERE id = :c"),
            {"old": clock.now() - timedelta(days=3 * 365), "c": never.id},
        )
    outcome = _run(rt, STORES)
    assert not outcome.passed
    assert "customers.without_contract: 1 in customers" in outcome.detail
    assert "customers.identity:" not in outcome.detail  # no contract ended: not that rule
    done = {r.rule: r.count for r in retention.run(rt)}
    assert done["customers.without_contract"] == 1
    assert _run(rt, STORES).passed
    with rt.sessions() as s:
        assert s.get(Customer, never.id).status == "erased"  # type: ignore[union-attr]
        assert s.get(Customer, recent.id).status == "active"  # type: ignore[union-attr]


def test_p13_a_message_never_delivered_does_not_wait_in_the_outbox_for_ever(
    rt: Runtime,
) -> None:
    customer = make_customer(rt)
    old = clock.now() - timedelta(days=45)
    with rt.unit_of_work() as s:  # a notice whose delivery failed for 45 days
        s.add(
            OutboxMessage(
                customer_id=customer.id,
                channel="email",
                purpose="service_delivery",
                category="contact",
                reference="portal:confirm",
                status="pending",
                attempts=19,
                last_error="smtp: ConnectionRefusedError",
                next_attempt_at=clock.now(),
                created_at=old,
                recipient_ct=bytes(64),
            )
        )
    outcome = _run(rt, STORES)
    assert not outcome.passed
    assert "notify.outbox.contact: 1 in outbox_messages (contact)" in outcome.detail
    done = {r.rule: r.count for r in retention.run(rt)}
    assert done["notify.outbox.contact"] == 1
    assert _run(rt, STORES).passed
    with rt.sessions() as s:
        assert s.execute(select(OutboxMessage)).first() is None
