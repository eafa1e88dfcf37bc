"""Live checks of the privacy core (B04). Each looks at the running system, not at values."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import LargeBinary, func, literal, or_, select

from imbplus import plugin
from imbplus.clock import clock
from imbplus.compliance import retention
from imbplus.compliance.evidence import Outcome, not_exercised, register
from imbplus.compliance.retention_models import DeletionReceipt
from imbplus.db import Base
from imbplus.privacy import audit
from imbplus.privacy.catalog import (
    FIELDS,
    Action,
    Category,
    Purpose,
    Role,
    encrypted_fields,
)
from imbplus.privacy.crypto import FORMAT_V1, HEADER
from imbplus.privacy.models import AuditRecord, DataKey, DataKeyVersion, KeyRotation
from imbplus.runtime import Runtime

MAX_KEY_AGE_DAYS = 365
LATE_ANSWER_WINDOW_DAYS = 365  # B01: a late answer stays red for a year of reviews


@register("P05", "Every stored column is classified in the data catalogue")
def catalogue_covers_database(rt: Runtime) -> Outcome:
    plugin.require("tables")
    columns = [(t, c) for t, c in _live_columns(rt) if t != "alembic_version"]
    missing = [f"{t}.{c}" for t, c in columns if (t, c) not in FIELDS]
    personal = sum(1 for t, c in columns if (t, c) in FIELDS and FIELDS[(t, c)].personal)
    return Outcome(
        not missing,
        "all columns classified" if not missing else f"unclassified: {missing[:10]}",
        {"columns": len(columns), "personal_columns": personal, "unclassified": len(missing)},
    )


def _live_columns(rt: Runtime) -> list[tuple[str, str]]:
    """Every (table, column) of the live database, from its own catalogue (one query; the
    reflection of every column's type costs more than the rest of the check)."""
    if rt.engine.dialect.name == "sqlite":
        sql = (
            "SELECT m.name, p.name FROM sqlite_master AS m, pragma_table_info(m.name) AS p "
            "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"
        )
    else:
        sql = (
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema()"
        )
    with rt.engine.connect() as conn:
        return [(str(t), str(c)) for t, c in conn.exec_driver_sql(sql)]


@register("P05", "Personal columns hold ciphertext, not plain text")
def personal_columns_are_ciphertext(rt: Runtime) -> Outcome:
    """Every value of every encrypted column, not a sample: the database compares each
    value's length and format byte, and names the first row that is not an envelope."""
    plugin.require("tables")
    tables = Base.metadata.tables
    checked, bad = 0, []
    envelope = literal(bytes([FORMAT_V1]), LargeBinary)
    with rt.sessions() as s:
        for spec in encrypted_fields():
            table = tables[spec.table]
            column = table.c[spec.column]
            present = column.is_not(None)
            checked += s.execute(select(func.count()).where(present)).scalar_one()
            not_envelope = or_(
                func.length(column) < HEADER.size + 28, func.substr(column, 1, 1) != envelope
            )
            key = next(iter(table.primary_key.columns))
            first = s.execute(select(key).where(present, not_envelope).limit(1)).scalar()
            if first is not None:
                bad.append(f"{spec.table}.{spec.column} (row {first})")
    return Outcome(
        not bad,
        "every stored value is an AES-GCM envelope" if not bad else f"not ciphertext in: {bad}",
        {"values_checked": checked, "encrypted_columns": len(encrypted_fields())},
    )


@register("P11", "The audit chain is intact up to its checkpoint")
def audit_chain(rt: Runtime) -> Outcome:
    started = time.perf_counter()
    with rt.sessions() as s:
        result = audit.verify(s, rt.checkpoint)
    figures = {
        "records": result.records,
        "head": result.head_seq,
        "verify_seconds": round(time.perf_counter() - started, 2),
    }
    if result.ok:
        return Outcome(True, f"{result.records} records verified", figures)
    where = f" at record {result.first_bad_seq}" if result.first_bad_seq is not None else ""
    return Outcome(False, f"broken{where}: {result.problem}", figures)


@register("P12", "The last key rotation finished")
def rotation_finished(rt: Runtime) -> Outcome:
    """An open run lets sealed ciphertexts change (P09): none may stay open for long."""
    with rt.sessions() as s:
        runs = list(s.execute(select(KeyRotation).order_by(KeyRotation.id)).scalars())
    now = clock.now()
    open_runs = [r for r in runs if r.finished_at is None]
    stale = [r for r in open_runs if now - r.started_at > timedelta(hours=1)]
    finished = [r.finished_at for r in runs if r.finished_at is not None]
    figures = {
        "rotations": len(runs),
        "open": len(open_runs),
        "last_finished": finished[-1].isoformat() if finished else None,
    }
    if stale:
        return Outcome(
            False,
            f"rotation {stale[0].id} open since {stale[0].started_at:%Y-%m-%d %H:%M} UTC; "
            "run `imbplus keys rotate` to finish it",
            figures,
        )
    if not finished:
        return Outcome(True, "no rotation has run yet; keys are as created", figures)
    return Outcome(True, f"last rotation finished {finished[-1]:%Y-%m-%d}", figures)


@register("P11", "Access is decided per role, purpose and category, and refusals are recorded")
def decisions_recorded(rt: Runtime) -> Outcome:
    since = clock.now_us() - 30 * 86_400 * 1_000_000
    with rt.sessions() as s:
        counts = dict(
            s.execute(
                select(AuditRecord.result, func.count())
                .where(AuditRecord.ts_us >= since)
                .group_by(AuditRecord.result)
            ).all()
        )
    gate = rt.gate
    # Least privilege holds for the roles that must never read customer identities.
    leaks = [
        r.value
        for r in (Role.ADMIN, Role.ANALYST)
        for p in Purpose
        if gate.allows(r.value, Category.IDENTITY, p, Action.READ)
    ]
    return Outcome(
        not leaks,
        "admin and analyst cannot read identities for any purpose"
        if not leaks
        else f"identity readable by {leaks}",
        {
            "allowed_30d": counts.get("allowed", 0),
            "denied_30d": counts.get("denied", 0),
            "policy_rules": len(gate.rules()),
        },
    )


@register("P03", "The access policy speaks only of known roles, categories and purposes")
def policy_vocabulary(rt: Runtime) -> Outcome:
    known_roles = {r.value for r in Role} | {"customer", "device", "processor"}
    unknown = [
        rule
        for rule in rt.gate.rules()
        if (rule[0] not in known_roles and not rule[0].startswith(("system:", "processor:")))
        or rule[1] not in {c.value for c in Category}
        or rule[2] not in {p.value for p in Purpose}
        or rule[3] not in {a.value for a in Action}
    ]
    return Outcome(
        not unknown,
        "every rule uses the catalogue's names"
        if not unknown
        else f"unknown names in {unknown[:5]}",
        {"rules": len(rt.gate.rules())},
    )


@register("P12", "The master key file is private and kept apart from the database")
def master_key_file(rt: Runtime) -> Outcome:
    path = rt.settings.key_file
    mode = path.stat().st_mode & 0o777
    db_file = rt.engine.url.database if rt.engine.dialect.name == "sqlite" else None
    same_file = bool(db_file) and str(path.resolve()) == str(db_file)
    ok = mode & 0o077 == 0 and not same_file
    return Outcome(
        ok,
        f"mode {mode:04o}",
        {"mode": f"{mode:04o}", "master_key_version": rt.keyring.master.active},
    )


@register("P12", "Data keys are rotated within a year")
def key_age(rt: Runtime) -> Outcome:
    with rt.sessions() as s:
        oldest = s.execute(
            select(func.min(DataKeyVersion.created_at))
            .join(
                DataKey,
                (DataKey.id == DataKeyVersion.key_id)
                & (DataKey.active_version == DataKeyVersion.version),
            )
            .where(DataKey.state == "active")
        ).scalar()
        live = s.execute(
            select(func.count()).select_from(DataKey).where(DataKey.state == "active")
        ).scalar_one()
    age = (clock.now() - oldest).days if oldest else 0
    return Outcome(
        age <= MAX_KEY_AGE_DAYS,
        f"oldest active key version is {age} days old",
        {"oldest_key_age_days": age, "active_keys": live, "limit_days": MAX_KEY_AGE_DAYS},
    )


@register("P12", "Answers carry the security headers")
def security_headers(rt: Runtime) -> Outcome:
    from imbplus.web import selfcheck

    # In-process request through the whole middleware stack, as if it came over TLS; the
    # client runs its own event loop thread, so this works from any caller.
    response = selfcheck.client(rt).get("/healthz")
    headers = response.headers

    csp = headers.get("content-security-policy", "")
    wanted = {
        "content-security-policy": "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp,
        "x-content-type-options": headers.get("x-content-type-options") == "nosniff",
        "strict-transport-security": "max-age=" in headers.get("strict-transport-security", ""),
        "referrer-policy": bool(headers.get("referrer-policy")),
    }
    missing = [h for h, ok in wanted.items() if not ok]
    return Outcome(
        not missing,
        "CSP without inline code, HSTS over TLS, nosniff, referrer policy"
        if not missing
        else f"missing or weak: {missing}",
        {"headers_checked": len(wanted)},
    )


@register("P13", "Every retention rule ran within the last two days")
def retention_ran(rt: Runtime) -> Outcome:
    since = clock.now() - timedelta(days=2)
    with rt.sessions() as s:
        recent = dict(
            s.execute(
                select(DeletionReceipt.rule, func.sum(DeletionReceipt.count))
                .where(DeletionReceipt.ran_at >= since)
                .group_by(DeletionReceipt.rule)
            ).all()
        )
    rules = [r.name for r in retention.schedule()]
    stale = [r for r in rules if r not in recent]
    return Outcome(
        not stale,
        "all rules applied"
        if not stale
        else f"not run in 2 days: {stale} (run `imbplus retention run`)",
        {"rules": len(rules), "records_purged_2d": int(sum(recent.values() or [0]))},
    )


@register("B03", "The record of processing covers every purpose the policy uses")
def record_of_processing(rt: Runtime) -> Outcome:
    from imbplus.compliance import ropa

    activities = ropa.build(rt.gate, rt.settings)
    used = {rule[2] for rule in rt.gate.rules()}
    described = {
        a.purpose.value for a in activities if a.description and (a.categories or a.recipients)
    }
    missing = sorted(used - described)
    return Outcome(
        not missing,
        "generated from the catalogue, policy and retention schedule"
        if not missing
        else f"purposes without an entry: {missing}",
        {"activities": len(activities), "purposes_in_policy": len(used)},
    )


@register("B05", "No breach has passed its 72-hour notification clock")
def breach_clock(rt: Runtime) -> Outcome:
    from imbplus.privacy import incidents
    from imbplus.privacy.incident_models import Incident

    with rt.sessions() as s:
        rows = s.execute(select(Incident).where(Incident.status != "closed")).scalars().all()
        ever = s.execute(select(func.count()).select_from(Incident)).scalar_one()
    late = [i.id for i in rows if incidents.overdue(i)]
    if ever == 0:
        return not_exercised("no incident has been recorded yet")
    return Outcome(
        not late,
        "every high-severity incident was notified in time or is still within 72 hours"
        if not late
        else f"overdue incidents: {late}",
        {"open_incidents": len(rows), "overdue": len(late)},
    )


@register("B01", "Data-subject requests are answered within one month")
def subject_requests(rt: Runtime) -> Outcome:
    from imbplus.compliance import rights
    from imbplus.compliance.rights_models import SubjectRequest

    with rt.sessions() as s:
        rows = s.execute(select(SubjectRequest)).scalars().all()
    open_ = [r for r in rows if r.status == "received"]
    late = [r.id for r in open_ if rights.overdue(r)]
    since = clock.now() - timedelta(days=LATE_ANSWER_WINDOW_DAYS)
    answered_late = [
        r.id
        for r in rows
        if r.completed_at is not None and r.completed_at > r.due_at and r.completed_at >= since
    ]
    figures = {
        "open": len(open_),
        "answered": len(rows) - len(open_),
        "overdue": len(late),
        "answered_late": len(answered_late),
    }
    if not rows:
        return not_exercised("no data-subject request has been made yet", figures)
    if late or answered_late:
        return Outcome(
            False,
            f"overdue requests: {late}; answered after their deadline: {answered_late}",
            figures,
        )
    return Outcome(
        True,
        f"every request answered within its month (late answers looked back "
        f"{LATE_ANSWER_WINDOW_DAYS} days), and none open past it",
        figures,
    )
