"""Live check for the evidence report (B04): P11's restore drill."""

from __future__ import annotations

from sqlalchemy import select

from imbplus.backup.service import backups, verify
from imbplus.clock import clock, us_to_datetime
from imbplus.privacy.checks import Outcome, not_exercised, register
from imbplus.privacy.models import AuditRecord
from imbplus.runtime import Runtime


@register("P11", "A backup was restored and checked by a drill recently")
def restore_drill(rt: Runtime) -> Outcome:
    max_age = rt.settings.backup_drill_max_age_days
    with rt.sessions() as s:
        last = s.execute(
            select(AuditRecord.ts_us, AuditRecord.result, AuditRecord.reason)
            .where(AuditRecord.action == "backup.drill")
            .order_by(AuditRecord.seq.desc())
            .limit(1)
        ).first()
    kept_paths = backups(rt.settings.backup_root)
    kept = len(kept_paths)
    if last is not None and not kept_paths:
        return Outcome(
            False,
            f"no backup is kept in {rt.settings.backup_root}: nothing could be restored",
            {"backups_kept": 0},
        )
    if kept_paths:
        try:
            _manifest, broken = verify(kept_paths[-1])
        except (OSError, ValueError) as exc:
            broken = [f"the manifest cannot be read ({type(exc).__name__})"]
        if broken:
            return Outcome(
                False,
                f"the newest backup {kept_paths[-1].name} does not match its manifest: "
                + "; ".join(broken[:3]),
                {"backups_kept": kept, "newest_problems": len(broken)},
            )
    if last is None:
        return Outcome(
            False,
            "no restore drill yet (imbplus backup create, then imbplus backup drill)",
            {"backups_kept": kept},
        )
    age_days = (clock.now() - us_to_datetime(last.ts_us)).total_seconds() / 86_400
    ok = last.result == "passed" and age_days <= max_age
    sentence = (
        f"the last drill {last.result} {age_days:.1f} days ago ({last.reason})"
        if ok
        else f"the last drill {last.result} {age_days:.1f} days ago; a passed drill within "
        f"{max_age} days is required (imbplus backup drill)"
    )
    return Outcome(ok, sentence, {"backups_kept": kept, "last_drill_age_days": round(age_days, 1)})


@register("P13", "Every erased customer is in the erasure journal a restore replays")
def erasures_journalled(rt: Runtime) -> Outcome:
    from imbplus.customers import service as customers
    from imbplus.privacy import erasure_journal

    with rt.sessions() as s:
        erased = set(customers.erased_ids(s))
    try:
        journalled = set(erasure_journal.read(rt.settings.erasure_journal))
    except OSError as exc:
        return Outcome(
            False,
            f"the erasure journal {rt.settings.erasure_journal} cannot be read: {exc.strerror}",
            {"erased": len(erased)},
        )
    missing = len(erased - journalled)
    if not erased:
        return not_exercised("no customer has been erased yet")
    return Outcome(
        not missing,
        "a restored backup would erase every one of them again"
        if not missing
        else f"{missing} erased customer(s) missing from {rt.settings.erasure_journal}: "
        "check that the file is writable, then add them with `imbplus backup journal-sync`",
        {"erased": len(erased), "journalled": len(journalled), "missing": missing},
    )
