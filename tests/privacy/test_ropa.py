"""B03: the record of processing is generated from the catalogue, policy and schedule."""

from __future__ import annotations

import json
from pathlib import Path

from imbplus.compliance import ropa
from imbplus.privacy.access import Gate
from imbplus.privacy.catalog import Purpose
from imbplus.settings import Settings
from tests.support.cli import imbplus


def test_b03_every_purpose_has_an_entry_from_the_policy(settings: Settings) -> None:
    activities = {a.purpose: a for a in ropa.build(Gate(), settings)}
    assert set(activities) == set(Purpose)
    billing = activities[Purpose.BILLING]
    assert "payment_card" in billing.categories and "staff role billing" in billing.recipients
    assert "payment_card" not in activities[Purpose.MARKETING].categories
    security = activities[Purpose.SECURITY]
    assert "web_request_log" in security.categories
    assert any(r.startswith("Failed-login counters") for r in security.retention)


def test_b03_cli_json(settings: Settings, tmp_path: Path) -> None:
    result = imbplus(settings, "ropa", "--json", str(tmp_path / "ropa.json"))
    assert result.returncode == 0 and "shipment_contact" in result.stdout
    doc = json.loads((tmp_path / "ropa.json").read_text())
    assert len(doc["activities"]) == len(Purpose) and doc["measures"]
