"""Live checks of the retention schedule (P13, B04): every personal category has a rule,
and the stores themselves hold nothing older than its rule.

The second check does not trust the rules' own purges: for each rule it asks the tables
(and files: telemetry day partitions, backups past their own retention) with a query of
its own how many items are past the rule's cutoff and not under a legal hold, and fails
naming the rule, the store and the count. It counts rows; it never reads a personal value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, or_, select, true
from sqlalchemy.orm import Session

from imbplus.clock import clock
from imbplus.compliance import retention
from imbplus.compliance.evidence import Outcome, not_exercised, register
from imbplus.compliance.retention_models import LegalHold
from imbplus.privacy.catalog import CATEGORY_INFO
from imbplus.runtime import Runtime


@dataclass(frozen=True)
class Look:
    """What a probe found in one store: items past the rule, and items looked at."""

    store: str
    expired: int
    total: int


Probe = Callable[[Runtime, Session, datetime, frozenset[str]], list[Look]]


def _not_held(column: Any, held: frozenset[str]) -> ColumnElement[bool]:
    if not held:
        return true()
    not_held: ColumnElement[bool] = column.is_(None) | column.not_in(sorted(held))
    return not_held


def _rows(session: Session, model: Any, past: ColumnElement[bool]) -> Look:
    table = model.__tablename__
    row = session.execute(
        select(func.count(), func.coalesce(func.sum(case((past, 1), else_=0)), 0)).select_from(
            model
        )
    ).one()
    return Look(table, int(row[1]), int(row[0]))


def _contract_ended_before(cutoff: datetime) -> Any:
    from imbplus.shop.models import Subscription

    running = func.sum(case((Subscription.ended_at.is_(None), 1), else_=0))
    return (
        select(Subscription.customer_id)
        .group_by(Subscription.customer_id)
        .having(running == 0, func.max(Subscription.ended_at) < cutoff)
    )


# -- one probe per rule of the schedule -------------------------------------------------
def _auth_sessions(_rt: Runtime, s: Session, cutoff: datetime, _h: frozenset[str]) -> list[Look]:
    from imbplus.auth.models import WebSession

    past = or_(WebSession.expires_at < cutoff, WebSession.revoked_at < cutoff)
    return [_rows(s, WebSession, past)]


def _login_failures(_rt: Runtime, s: Session, cutoff: datetime, _h: frozenset[str]) -> list[Look]:
    from imbplus.auth.models import LoginFailure

    return [_rows(s, LoginFailure, LoginFailure.ts_us < int(cutoff.timestamp() * 1_000_000))]


def _portal_links(_rt: Runtime, s: Session, cutoff: datetime, held: frozenset[str]) -> list[Look]:
    from imbplus.portal.models import PortalToken

    past = (PortalToken.expires_at < cutoff) & _not_held(PortalToken.customer_id, held)
    return [_rows(s, PortalToken, past)]


def _full_ip(_rt: Runtime, s: Session, cutoff: datetime, _h: frozenset[str]) -> list[Look]:
    from imbplus.traffic.models import FullRequest

    return [_rows(s, FullRequest, FullRequest.at < cutoff)]


def _masked(rt: Runtime, s: Session, _cutoff: datetime, _h: frozenset[str]) -> list[Look]:
    from imbplus.traffic.models import MaskedRequest
    from imbplus.traffic.retention import months_before

    day = months_before(clock.now().date(), rt.settings.request_log_masked_months)
    return [_rows(s, MaskedRequest, MaskedRequest.day < day)]


def _telemetry(rt: Runtime, _s: Session, cutoff: datetime, _h: frozenset[str]) -> list[Look]:
    from imbplus.telemetry.store import Store

    store = Store(rt.settings.telemetry_root)
    days = store.days()
    old = [d for d in days if d < cutoff.date()]
    files = sum(len(store.files(d)) for d in old)
    return [
        Look("telemetry day partitions", len(old), len(days)),
        Look("telemetry files", files, len(store.files()) if days else 0),
    ]


def _shipments(_rt: Runtime, s: Session, _cutoff: datetime, held: frozenset[str]) -> list[Look]:
    from imbplus.shipping.models import Shipment

    past = (
        Shipment.sealed_at.is_not(None)
        & (Shipment.retain_until <= clock.now())
        & _not_held(Shipment.customer_id, held)
    )
    return [_rows(s, Shipment, past)]


def _invoices(_rt: Runtime, s: Session, _cutoff: datetime, held: frozenset[str]) -> list[Look]:
    from imbplus.billing.models import Invoice

    past = (Invoice.retain_until < clock.now().date()) & _not_held(Invoice.customer_id, held)
    return [_rows(s, Invoice, past)]


def _cards(_rt: Runtime, s: Session, cutoff: datetime, held: frozenset[str]) -> list[Look]:
    from imbplus.billing.models import Card

    past = (
        (Card.status == "active")
        & Card.customer_id.in_(_contract_ended_before(cutoff))
        & _not_held(Card.customer_id, held)
    )
    return [_rows(s, Card, past)]


def _customers(_rt: Runtime, s: Session, cutoff: datetime, held: frozenset[str]) -> list[Look]:
    from imbplus.customers.models import Customer

    past = (
        (Customer.status != "erased")
        & Customer.id.in_(_contract_ended_before(cutoff))
        & _not_held(Customer.id, held)
    )
    return [_rows(s, Customer, past)]


def _customers_never_contracted(
    _rt: Runtime, s: Session, cutoff: datetime, held: frozenset[str]
) -> list[Look]:
    from imbplus.customers.models import Customer
    from imbplus.shop.models import Subscription

    ordered = select(Subscription.customer_id).distinct()
    past = (
        (Customer.status != "erased")
        & Customer.id.not_in(ordered)
        & (Customer.updated_at < cutoff)
        & _not_held(Customer.id, held)
    )
    return [_rows(s, Customer, past)]


def _devices(_rt: Runtime, s: Session, cutoff: datetime, held: frozenset[str]) -> list[Look]:
    from imbplus.devices.models import Device

    past = (
        Device.last_ip_ct.is_not(None)
        & (func.coalesce(Device.last_seen_at, Device.updated_at) < cutoff)
        & _not_held(Device.customer_id, held)
    )
    return [_rows(s, Device, past)]


def _outbox(category: str) -> Probe:
    def probe(_rt: Runtime, s: Session, cutoff: datetime, held: frozenset[str]) -> list[Look]:
        from imbplus.notify.models import OutboxMessage

        mine = OutboxMessage.category == category
        past = (  # sent or not: a message still pending past the rule goes too
            mine & (OutboxMessage.created_at < cutoff) & _not_held(OutboxMessage.customer_id, held)
        )
        look = _rows(s, OutboxMessage, past)
        total = s.execute(select(func.count()).select_from(OutboxMessage).where(mine)).scalar_one()
        return [Look(f"{look.store} ({category})", look.expired, int(total))]

    return probe


def _surveys(_rt: Runtime, s: Session, cutoff: datetime, held: frozenset[str]) -> list[Look]:
    from imbplus.surveys.models import Response

    past = (Response.submitted_at < cutoff) & _not_held(Response.customer_id, held)
    return [_rows(s, Response, past)]


def _consent(_rt: Runtime, s: Session, cutoff: datetime, _h: frozenset[str]) -> list[Look]:
    from imbplus.site.models import ConsentRecord

    return [_rows(s, ConsentRecord, ConsentRecord.decided_at < cutoff)]


def _feedback(_rt: Runtime, s: Session, cutoff: datetime, _h: frozenset[str]) -> list[Look]:
    from imbplus.site.models import Feedback

    return [_rows(s, Feedback, Feedback.received_at < cutoff)]


def _inquiries(_rt: Runtime, s: Session, cutoff: datetime, held: frozenset[str]) -> list[Look]:
    from imbplus.site.models import PrivacyInquiry as Q

    past = (
        Q.status.in_(("answered", "closed"))
        & (func.coalesce(Q.closed_at, Q.answered_at) < cutoff)
        & _not_held(Q.customer_id, held)
    )
    return [_rows(s, Q, past)]


def _requests(_rt: Runtime, s: Session, cutoff: datetime, held: frozenset[str]) -> list[Look]:
    from imbplus.compliance.rights_models import SubjectRequest as R

    past = (R.status != "received") & (R.completed_at < cutoff) & _not_held(R.customer_id, held)
    return [_rows(s, R, past)]


def _staff(_rt: Runtime, s: Session, cutoff: datetime, held: frozenset[str]) -> list[Look]:
    from imbplus.privacy.models import AuditRecord
    from imbplus.staff.models import Staff

    total = int(s.execute(select(func.count()).select_from(Staff)).scalar_one())
    disabled = s.execute(
        select(Staff.id).where(Staff.active.is_(False), Staff.username.not_like("departed-%"))
    ).scalars()
    cutoff_us = int(cutoff.timestamp() * 1_000_000)
    past = 0
    for staff_id in disabled:
        label = f"staff:{staff_id}"
        last = s.execute(
            select(func.max(AuditRecord.ts_us)).where(
                AuditRecord.action == "staff.disabled", AuditRecord.reason == label
            )
        ).scalar()
        if last is not None and last < cutoff_us and label not in held:
            past += 1
    return [Look("staff", past, total)]


PROBES: dict[str, Probe] = {
    "auth.sessions": _auth_sessions,
    "auth.login_failures": _login_failures,
    "portal.links": _portal_links,
    "traffic.full_ip": _full_ip,
    "traffic.masked": _masked,
    "telemetry.days": _telemetry,
    "shipping.sealed_records": _shipments,
    "billing.invoices": _invoices,
    "billing.cards": _cards,
    "customers.identity": _customers,
    "customers.contact": _customers,
    "customers.address": _customers,
    "customers.without_contract": _customers_never_contracted,
    "devices.last_ip": _devices,
    "notify.outbox.contact": _outbox("contact"),
    "notify.outbox.shipment_contact": _outbox("shipment_contact"),
    "surveys.responses": _surveys,
    "site.consent_records": _consent,
    "site.feedback": _feedback,
    "site.privacy_inquiries": _inquiries,
    "privacy.subject_requests": _requests,
    "staff.departed": _staff,
}


def _backups(rt: Runtime) -> list[Look]:
    """Backups past their own retention (what `backup prune` deletes): complete backups
    beyond `backup_keep`, and abandoned partial ones older than a day."""
    from imbplus.backup.service import PARTIAL, backups

    root = rt.settings.backup_root
    found = backups(root)
    partial = list(root.glob(f"{PARTIAL}*")) if root.exists() else []
    stale = [p for p in partial if p.stat().st_mtime < clock.time() - 86_400]
    return [
        Look("backups", max(0, len(found) - rt.settings.backup_keep), len(found)),
        Look("partial backups", len(stale), len(partial)),
    ]


@register("P13", "Every personal category has a retention rule")
def every_category_has_a_rule(_rt: Runtime) -> Outcome:
    personal = [c for c, info in CATEGORY_INFO.items() if info.personal]
    rules = retention.schedule()
    covered = {r.category for r in rules}
    missing = [c.value for c in personal if c not in covered]
    figures = {"personal_categories": len(personal), "rules": len(rules), "missing": len(missing)}
    if missing:
        return Outcome(False, f"personal categories without a retention rule: {missing}", figures)
    return Outcome(True, f"all {len(personal)} personal categories have a rule", figures)


@register("P13", "Nothing is kept past its retention rule")
def nothing_past_its_rule(rt: Runtime) -> Outcome:
    now = clock.now()
    past: list[str] = []
    unprobed: list[str] = []
    looked = probed = 0
    with rt.sessions() as s:
        held = frozenset(
            s.execute(select(LegalHold.subject_id).where(LegalHold.released_at.is_(None)))
            .scalars()
            .all()
        )
        for rule in retention.schedule():
            probe = PROBES.get(rule.name)
            if probe is None:
                unprobed.append(rule.name)
                continue
            probed += 1
            for look in probe(rt, s, now - rule.period(rt.settings), held):
                looked += look.total
                if look.expired:
                    past.append(f"{rule.name}: {look.expired} in {look.store}")
    for look in _backups(rt):
        looked += look.total
        if look.expired:
            past.append(f"backup_keep: {look.expired} in {look.store}")
    figures = {
        "rules_probed": probed,
        "rules_without_probe": len(unprobed),
        "items_looked_at": looked,
        "past_their_rule": len(past),
        "legal_holds": len(held),
    }
    if past or unprobed:
        parts = []
        if past:
            parts.append(f"kept past the rule: {past[:25]}")
        if unprobed:
            parts.append(f"rules with no evidence probe: {unprobed}")
        return Outcome(False, "; ".join(parts), figures)
    if looked == 0:
        return not_exercised("no store under a retention rule holds anything yet", figures)
    return Outcome(
        True,
        f"no row or file past its rule in {looked} items looked at "
        f"(subjects under a legal hold left out: {len(held)})",
        figures,
    )
