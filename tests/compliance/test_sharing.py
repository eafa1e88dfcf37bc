"""P01, P06: anonymized exports to a third party, recorded on the disclosure register; an
identifiable dataset to a third party is refused, and the refusal is audited."""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import event, select

from imbplus.anonymize import AnonymizationError
from imbplus.compliance import canary, sharing
from imbplus.errors import NotFound, ValidationFailed
from imbplus.privacy import releases
from imbplus.privacy.catalog import Category, Purpose
from imbplus.privacy.disclosure import THIRD_PARTY, Disclosure
from imbplus.privacy.models import AuditRecord
from imbplus.runtime import Runtime
from tests.support.factories import make_customer

PARTNER = "market-research-co"
CODES = ["31-042", "31-150", "30-001", "00-950", "02-495", "80-001", "81-300", "60-101"]


def add_partner(rt: Runtime, recipient_id: str = PARTNER, kind: str = THIRD_PARTY) -> None:
    with rt.job("disclosures", Purpose.SECURITY) as ctx:
        releases.add_recipient(ctx, recipient_id, "Badania Rynku sp. z o.o.", kind, "UDO-1")


def customers_with_codes(rt: Runtime, n: int = 24) -> list[str]:
    ids = []
    for i in range(n):
        code = CODES[i % len(CODES)]
        address = {"street": f"ul. Polna {i}", "postal_code": code, "city": "Miasto"}
        ids.append(make_customer(rt, address=address).id)
    return ids


def export(rt: Runtime, out: Path, **kw: object) -> sharing.Shared:
    request = sharing.Request(**{"dataset": "customers", "recipient_id": PARTNER, "k": 5} | kw)
    return sharing.release_file(rt, request, out)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _register(rt: Runtime) -> list[Disclosure]:
    with rt.sessions() as s:
        return list(s.execute(select(Disclosure).order_by(Disclosure.id)).scalars())


def test_p06_customers_go_out_k_anonymous_and_on_the_register(rt: Runtime, tmp_path: Path) -> None:
    customers_with_codes(rt)
    add_partner(rt)
    out = tmp_path / "customers.csv"
    shared = export(rt, out, k=5)
    rows = _rows(out)
    assert set(rows[0]) == {"postal_code", "joined", "package"}  # no name, e-mail, street
    text = out.read_text(encoding="utf-8")
    assert "Zofia" not in text and "@" not in text and "Polna" not in text
    classes = Counter((r["postal_code"], r["joined"]) for r in rows)
    assert min(classes.values()) >= 5
    assert not any(r["postal_code"] in CODES for r in rows)  # generalized
    [row] = _register(rt)
    assert row.id == shared.disclosure_id
    assert (row.recipient_kind, row.recipient_id, row.dataset) == (
        THIRD_PARTY,
        PARTNER,
        "customers",
    )
    assert row.recipient_name == "Badania Rynku sp. z o.o."
    assert row.purpose == "market_research" and row.legal_basis == sharing.LEGAL_BASIS
    assert row.file_sha256 == hashlib.sha256(out.read_bytes()).hexdigest()
    assert row.k_anonymity is not None and row.k_anonymity >= 5
    assert row.subject_count == len(rows) and row.categories == "address"
    assert row.risk_max is not None and row.risk_max <= 1 / 5
    with rt.sessions() as s:
        decided = s.execute(
            select(AuditRecord.result).where(
                AuditRecord.request_id == row.request_id,
                AuditRecord.action == "disclose.third_party",
            )
        ).scalars()
        assert list(decided) == ["allowed"]


def _disclose(rt: Runtime, release: releases.Release) -> None:
    with rt.job("anonymized_export", Purpose.MARKET_RESEARCH) as ctx:
        to = releases.recipient(ctx.session, PARTNER)
        releases.disclose(ctx, to, release, legal_basis="none", reference="by hand")


def test_p01_identifiable_data_to_a_third_party_is_refused_and_logged(rt: Runtime) -> None:
    add_partner(rt)
    release = releases.Release(
        "customers", (Category.IDENTITY, Category.ADDRESS), ("name",), 3, "0" * 64, k=5
    )
    with pytest.raises(releases.DisclosureRefused) as refused:
        _disclose(rt, release)
    assert refused.value.status == 403 and "identifying categories (identity)" in str(refused.value)
    assert _register(rt) == []
    with rt.sessions() as s:
        denied = s.execute(
            select(AuditRecord).where(AuditRecord.action == "disclose.third_party")
        ).scalar_one()
    assert denied.result == "denied" and "identity" in (denied.reason or "")


def test_p01_a_release_without_k_to_a_third_party_is_refused(rt: Runtime) -> None:
    add_partner(rt)
    release = releases.Release("surveys", (Category.SURVEY_RESPONSE,), ("q1",), 3, "0" * 64)
    with pytest.raises(releases.DisclosureRefused, match="not anonymized"):
        _disclose(rt, release)
    assert _register(rt) == []


@pytest.mark.parametrize(
    ("kw", "error"),
    [
        ({"dataset": "invoices"}, ValidationFailed),
        ({"k": 1}, ValidationFailed),
        ({"k": 500}, AnonymizationError),
        ({"recipient_id": "nobody"}, NotFound),
        ({"recipient_id": "regulator"}, ValidationFailed),  # an authority, not a third party
    ],
)
def test_p06_bad_requests_leave_no_file_and_no_register_row(
    rt: Runtime, tmp_path: Path, kw: dict[str, object], error: type[Exception]
) -> None:
    customers_with_codes(rt, 10)
    add_partner(rt)
    add_partner(rt, "regulator", "authority")
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "out.csv"
    with pytest.raises(error):
        export(rt, out, **kw)
    assert list(out.parent.iterdir()) == [] and _register(rt) == []


def test_p06_the_canary_is_no_customer_of_a_release(rt: Runtime, tmp_path: Path) -> None:
    ids = customers_with_codes(rt, 10)
    address = {"street": canary.STREET, "postal_code": "31-042", "city": canary.CITY}
    fictitious = make_customer(rt, name=canary.NAME, email=canary.EMAIL, address=address).id
    add_partner(rt)
    shared = export(rt, tmp_path / "customers.csv", k=2)
    assert shared.rows_in == len(ids)  # the fictitious subject is not among the rows
    with rt.sessions() as s:
        read = s.execute(
            select(AuditRecord.subject_id).where(
                AuditRecord.action == f"{sharing.OPERATION}.customers"
            )
        ).scalars()
        subjects = set(read)
    assert subjects == set(ids) and fictitious not in subjects


def test_p06_a_release_whose_register_row_fails_to_commit_leaves_no_file(
    rt: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    customers_with_codes(rt, 10)
    add_partner(rt)
    disclose = releases.disclose

    def then_fail_the_commit(ctx: object, *args: object, **kw: object) -> int:
        row_id = disclose(ctx, *args, **kw)  # type: ignore[arg-type]

        def boom(session: object) -> None:
            raise RuntimeError("the database went away")

        event.listen(ctx.session, "before_commit", boom)  # type: ignore[attr-defined]
        return row_id

    monkeypatch.setattr(sharing.releases, "disclose", then_fail_the_commit)
    out = tmp_path / "out" / "customers.csv"
    out.parent.mkdir()
    with pytest.raises(RuntimeError, match="went away"):
        export(rt, out, k=2)
    assert list(out.parent.iterdir()) == [] and _register(rt) == []
