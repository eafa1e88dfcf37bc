"""Retention of STB activity (P13): whole day partitions past the activity period."""

from __future__ import annotations

from datetime import datetime, timedelta

from imbplus.privacy import retention_rules
from imbplus.privacy.catalog import Category
from imbplus.runtime import Runtime
from imbplus.settings import Settings
from imbplus.telemetry.maintenance import apply_retention


def _period(settings: Settings) -> timedelta:
    return timedelta(days=settings.telemetry_retention_days)


def _apply(rt: Runtime, _cutoff: datetime, dry_run: bool) -> int:
    return len(apply_retention(rt, dry_run=dry_run).dropped)


retention_rules.register(
    retention_rules.Rule(
        name="telemetry.days",
        category=Category.STB_ACTIVITY,
        period=_period,
        legal_basis="service improvement and trends (P03) need a year of activity at most",
        description="Day partitions of set-top box activity (Parquet), dropped whole.",
        apply=_apply,
    )
)
