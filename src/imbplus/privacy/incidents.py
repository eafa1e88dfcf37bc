"""Breach support (B05): detection signals from the audit log and login counters, incident
records, and the 72-hour clock for notifying the supervisory authority (GDPR art. 33).

Signals (windows and thresholds are settings):
* mass_read: one actor saw more distinct customers than `breach_mass_read_subjects` within
  `breach_window_minutes` (a bulk export or a stolen token looks like this);
* denial_burst: one actor was refused more than `breach_denials` times in the window
  (probing for data outside its role);
* audit_broken: the audit chain does not verify (tampering).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from imbplus.clock import clock
from imbplus.errors import NotFound, ValidationFailed
from imbplus.privacy import audit
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category
from imbplus.privacy.incident_models import Incident
from imbplus.privacy.models import AuditRecord

NOTIFY_WITHIN = timedelta(hours=72)
STATUSES = ("open", "assessing", "notified", "closed")


@dataclass(frozen=True)
class Signal:
    kind: str
    fingerprint: str
    summary: str
    severity: str
    subjects: int


def detect(ctx: Context) -> list[Signal]:
    """What the audit trail of the last window shows: mass reads, bursts of refusals, and
    a broken chain."""
    settings = ctx.platform.settings
    window_us = settings.breach_window_minutes * 60_000_000
    now_us = clock.now_us()
    bucket = now_us // window_us  # one incident per actor and window
    since = now_us - window_us
    signals = _mass_reads(ctx, since, bucket) + _denial_bursts(ctx, since, bucket)
    result = audit.verify(ctx.session, ctx.platform.checkpoint)
    if not result.ok:
        signals.append(
            Signal(
                "audit_broken",
                f"audit_broken:{result.first_bad_seq}",
                f"audit chain broken at record {result.first_bad_seq}: {result.problem}",
                "high",
                0,
            )
        )
    return signals


def _mass_reads(ctx: Context, since: int, bucket: int) -> list[Signal]:
    settings = ctx.platform.settings
    reads = ctx.session.execute(
        select(
            AuditRecord.actor_kind,
            AuditRecord.actor_id,
            func.count(func.distinct(AuditRecord.subject_id)),
        )
        .where(
            AuditRecord.ts_us >= since,
            AuditRecord.result == "allowed",
            AuditRecord.subject_id.is_not(None),
            AuditRecord.actor_kind != "system",
        )
        .group_by(AuditRecord.actor_kind, AuditRecord.actor_id)
    ).all()
    minutes = settings.breach_window_minutes
    return [
        Signal(
            "mass_read",
            f"mass_read:{kind}:{actor}:{bucket}",
            f"{kind}:{actor} saw {n} customers within {minutes} min",
            "high",
            int(n),
        )
        for kind, actor, n in reads
        if n > settings.breach_mass_read_subjects
    ]


def _denial_bursts(ctx: Context, since: int, bucket: int) -> list[Signal]:
    settings = ctx.platform.settings
    denials = ctx.session.execute(
        select(AuditRecord.actor_kind, AuditRecord.actor_id, func.count())
        .where(AuditRecord.ts_us >= since, AuditRecord.result == "denied")
        .group_by(AuditRecord.actor_kind, AuditRecord.actor_id)
    ).all()
    minutes = settings.breach_window_minutes
    return [
        Signal(
            "denial_burst",
            f"denial_burst:{kind}:{actor}:{bucket}",
            f"{kind}:{actor} was refused {n} times within {minutes} min",
            "low",
            0,
        )
        for kind, actor, n in denials
        if n > settings.breach_denials
    ]


def scan(ctx: Context) -> list[Incident]:
    """Record an incident for each new signal (a signal seen before is not repeated)."""
    ctx.check(Action.WRITE, {Category.AUDIT_RECORD}, operation="incident.scan")
    created = []
    for signal in detect(ctx):
        incident = record(ctx, signal)
        if incident is not None:
            created.append(incident)
    return created


def record(ctx: Context, signal: Signal) -> Incident | None:
    """An incident for `signal`, unless one with its fingerprint exists already."""
    exists = ctx.session.execute(
        select(Incident.id).where(Incident.fingerprint == signal.fingerprint)
    ).first()
    if exists:
        return None
    now = clock.now()
    incident = Incident(
        kind=signal.kind,
        fingerprint=signal.fingerprint[:128],
        summary=signal.summary[:500],
        status="open",
        severity=signal.severity,
        subjects_affected=signal.subjects,
        detected_at=now,
        notify_by=now + NOTIFY_WITHIN,
        notes="",
    )
    ctx.session.add(incident)
    ctx.session.flush()
    ctx.note("incident.detected", reason=f"incident:{incident.id} {signal.kind}")
    return incident


def listing(ctx: Context, *, include_closed: bool = False) -> list[Incident]:
    ctx.check(Action.READ, {Category.AUDIT_RECORD}, operation="incident.list")
    stmt = select(Incident).order_by(Incident.detected_at.desc())
    if not include_closed:
        stmt = stmt.where(Incident.status != "closed")
    return list(ctx.session.execute(stmt).scalars())


def update(ctx: Context, incident_id: int, *, status: str, note: str = "") -> Incident:
    ctx.check(Action.WRITE, {Category.AUDIT_RECORD}, operation="incident.update")
    if status not in STATUSES:
        raise ValidationFailed([{"field": "status", "problem": f"one of {', '.join(STATUSES)}"}])
    incident = ctx.session.get(Incident, incident_id)
    if incident is None:
        raise NotFound("no incident with this id", incident=incident_id)
    now = clock.now()
    incident.status = status
    if status == "notified" and incident.authority_notified_at is None:
        incident.authority_notified_at = now
    if status == "closed":
        incident.closed_at = now
    if note:
        stamp = now.strftime("%Y-%m-%d %H:%M")
        incident.notes = f"{incident.notes}\n[{stamp} {ctx.actor.label}] {note[:2000]}".strip()
    ctx.session.flush()
    ctx.note("incident.updated", reason=f"incident:{incident.id} status={status}")
    return incident


def overdue(incident: Incident) -> bool:
    """High-severity breach not notified within 72 hours of detection."""
    return (
        incident.severity == "high"
        and incident.authority_notified_at is None
        and incident.status != "closed"
        and clock.now() > incident.notify_by
    )


def hours_left(incident: Incident) -> float:
    return round((incident.notify_by - clock.now()).total_seconds() / 3600, 1)
