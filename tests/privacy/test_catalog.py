"""P05: every stored field is classified; the vocabulary is closed."""

from __future__ import annotations

import pytest

from imbplus.errors import PurposeRequired
from imbplus.models import load_all
from imbplus.privacy.catalog import (
    CATEGORY_INFO,
    FIELDS,
    Category,
    Protection,
    Purpose,
    encrypted_fields,
    parse_purpose,
)
from imbplus.privacy.clauses import CLAUSES


def test_p05_every_column_of_every_table_is_classified() -> None:
    metadata = load_all().metadata
    missing = [
        f"{t.name}.{c.name}"
        for t in metadata.tables.values()
        for c in t.columns
        if (t.name, c.name) not in FIELDS
    ]
    assert missing == []


def test_p05_personal_values_of_customers_are_encrypted_or_indexed() -> None:
    load_all()
    for column in ("name_ct", "email_ct", "phone_ct", "street_ct", "postal_code_ct", "city_ct"):
        assert FIELDS[("customers", column)].protection == Protection.ENCRYPTED
        assert FIELDS[("customers", column)].personal
    assert FIELDS[("customers", "email_bidx")].protection == Protection.BLIND_INDEX
    assert {f.table for f in encrypted_fields()} >= {"customers", "staff"}


def test_p03_purposes_are_the_closed_list() -> None:
    assert [p.value for p in Purpose] == [
        "service_delivery",
        "service_improvement",
        "marketing",
        "market_research",
        "pricing",
        "credit",
        "billing",
        "regulatory_compliance",
        "shipment_contact",
        "security",
        "traffic_statistics",
        "legal_obligation",
        "data_subject_request",
    ]
    assert parse_purpose(" billing ") is Purpose.BILLING
    with pytest.raises(PurposeRequired):
        parse_purpose("sales")
    with pytest.raises(PurposeRequired):
        parse_purpose(None)


def test_every_category_is_described_and_clauses_are_complete() -> None:
    assert set(CATEGORY_INFO) == set(Category)
    assert [k for k in CLAUSES if k.startswith("P")] == [f"P{i:02d}" for i in range(1, 25)]
    assert [k for k in CLAUSES if k.startswith("B")] == [f"B{i:02d}" for i in range(1, 6)]
