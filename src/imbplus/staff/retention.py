"""Retention of staff accounts (P13): kept while the employee works here, then N.

An account disabled more than `staff_retention_after_leaving_days` ago (the time comes from
its `staff.disabled` audit record) loses the employee's login name and display name, its
password hash, second-factor secrets, recovery codes, API tokens and roles. The row and its
id stay: the audit trail names staff by id and must keep verifying (P11).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select, String, cast, delete, func, literal, select

from imbplus.privacy import retention_rules
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Category
from imbplus.privacy.models import AuditRecord
from imbplus.staff.models import ApiToken, RecoveryCode, Staff, StaffRole

RULE = "staff.departed"
DEPARTED = "departed-"


def disabled_before(cutoff: datetime, held: frozenset[str]) -> Select[int]:
    """Ids of disabled accounts not yet anonymized whose last disabling is before `cutoff`."""
    cutoff_us = int(cutoff.timestamp() * 1_000_000)
    last_disabled = (
        select(AuditRecord.reason.label("reason"), func.max(AuditRecord.ts_us).label("ts"))
        .where(AuditRecord.action == "staff.disabled")
        .group_by(AuditRecord.reason)
        .subquery()
    )
    label = literal("staff:", String) + cast(Staff.id, String)
    stmt = (
        select(Staff.id)
        .join(last_disabled, last_disabled.c.reason == label)
        .where(
            Staff.active.is_(False),
            Staff.username.not_like(f"{DEPARTED}%"),
            last_disabled.c.ts < cutoff_us,
        )
    )
    if held:
        stmt = stmt.where(label.not_in(sorted(held)))
    return stmt.order_by(Staff.id)


def _purge(ctx: Context, cutoff: datetime, held: frozenset[str], dry_run: bool) -> int:
    ids = list(ctx.session.execute(disabled_before(cutoff, held)).scalars())
    if dry_run or not ids:
        return len(ids)
    ctx.check(
        Action.DELETE,
        {Category.STAFF_ACCOUNT, Category.ACCOUNT_CREDENTIALS},
        operation="staff.purge",
    )
    for table in (ApiToken, RecoveryCode, StaffRole):
        ctx.session.execute(delete(table).where(table.staff_id.in_(ids)))
    for row in ctx.session.execute(select(Staff).where(Staff.id.in_(ids))).scalars():
        row.username = f"{DEPARTED}{row.id}"
        row.display_name = ""
        row.password_hash = None
        row.totp_secret_ct = row.totp_pending_ct = None
        row.totp_enabled = False
        ctx.note("staff.anonymized", reason=f"staff:{row.id}")
    ctx.session.flush()
    return len(ids)


retention_rules.register(
    retention_rules.Rule(
        name=RULE,
        category=Category.STAFF_ACCOUNT,
        period=lambda s: timedelta(days=s.staff_retention_after_leaving_days),
        legal_basis="security and accountability (P11, GDPR art. 5(2)): who did what is "
        "reviewable for a year after an account is disabled; the id stays for the audit",
        description="Disabled staff accounts: login, name, credentials and roles removed "
        "staff_retention_after_leaving_days after the account was disabled.",
        purge=_purge,
    )
)
