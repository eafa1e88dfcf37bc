"""Daily activity per box for an anonymized release (P06), from the rollups.

One row per box and day: the day, the box's region and model, and a band of its viewing
time. The box is named only to count the people behind the rows; the release never holds
it. Read for market research or statistics only, decided and audited by the gate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from imbplus.errors import ValidationFailed
from imbplus.privacy.access import Context
from imbplus.privacy.catalog import Action, Purpose
from imbplus.telemetry.queries import ACTIVITY, Window, _rows, run_readable
from imbplus.telemetry.store import Store

PURPOSES = frozenset({Purpose.MARKET_RESEARCH, Purpose.TRAFFIC_STATISTICS})
# hours of viewing in a day
VIEWING_BANDS = ((0.0, "0h"), (1.0, "<1h"), (3.0, "1-3h"), (6.0, "3-6h"))


@dataclass
class BoxDays:
    window: Window
    columns: dict[str, list[str]] = field(default_factory=dict)
    devices: list[str] = field(default_factory=list)  # per row: the box's pseudonym


def viewing_band(hours: float) -> str:
    if hours <= 0:
        return "0h"
    for limit, label in VIEWING_BANDS[1:]:
        if hours < limit:
            return label
    return "6h+"


def box_days(ctx: Context, store: Store, days: int = 30) -> BoxDays:
    if ctx.purpose not in PURPOSES:
        allowed = ", ".join(sorted(p.value for p in PURPOSES))
        raise ValidationFailed([{"field": "purpose", "problem": f"this release serves: {allowed}"}])
    ctx.check(Action.READ, ACTIVITY, operation="telemetry.box_days")
    window = Window.last_days(days)
    rows: list[dict[str, Any]] = run_readable(
        store,
        list,
        lambda con: _rows(
            con,
            """
            SELECT day, device, coalesce(model, 'unknown') AS model, region,
                   sum(view_seconds) AS seconds
            FROM boxes WHERE day BETWEEN ? AND ? GROUP BY ALL ORDER BY day, device
            """,
            [window.first, window.last],
        ),
    )
    out = BoxDays(window)
    out.columns = {
        "day": [str(r["day"]) for r in rows],
        "region": [str(r["region"]) for r in rows],
        "model": [str(r["model"]) for r in rows],
        "viewing": [viewing_band((r["seconds"] or 0) / 3600.0) for r in rows],
    }
    out.devices = [str(r["device"]) for r in rows]
    return out


def active_quarters(ctx: Context, store: Store, year: int) -> set[tuple[int, int]]:
    """(box pseudonym, quarter) for each box that posted activity in a quarter of `year`:
    for the regulator's yearly aggregate report only, decided and audited by the gate."""
    if ctx.purpose is not Purpose.REGULATORY_COMPLIANCE:
        problem = "this report serves: regulatory_compliance"
        raise ValidationFailed([{"field": "purpose", "problem": problem}])
    ctx.check(Action.READ, ACTIVITY, operation="telemetry.active_quarters")
    rows: list[dict[str, Any]] = run_readable(
        store,
        list,
        lambda con: _rows(
            con,
            "SELECT DISTINCT device, quarter(day) AS q FROM boxes WHERE day BETWEEN ? AND ?",
            [date(year, 1, 1), date(year, 12, 31)],
        ),
    )
    return {(int(r["device"]), int(r["q"])) for r in rows}
