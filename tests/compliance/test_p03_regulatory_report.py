"""P03 regulatory_compliance: the yearly report to the regulator.

Subscribers, boxes and active boxes by voivodeship, as CSV and PDF, recorded as a
disclosure to the authority with the files' hashes; no published cell counts fewer people
than the threshold, and no suppressed cell can be recovered from a total; the canary is
left out; a broken suppression is caught.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from imbplus.clock import clock
from imbplus.compliance import regulatory, suppression
from imbplus.compliance.suppression import Cell
from imbplus.errors import NotFound, ValidationFailed
from imbplus.privacy import releases
from imbplus.privacy.catalog import Purpose
from imbplus.privacy.disclosure import AUTHORITY, Disclosure
from imbplus.runtime import Runtime
from imbplus.telemetry.store import Store
from tests.compliance.test_sharing import add_partner
from tests.staff.test_console import choose, login
from tests.support.cli import imbplus
from tests.support.evidence import check
from tests.support.factories import make_customer, make_device, make_staff
from tests.support.shop import place_order, setup_shop
from tests.telemetry.helpers import auth, events, ndjson

MAZ, MLP = "00-950", "31-042"  # mazowieckie, małopolskie
AUTHORITIES = "Authorities received data only on a recorded, approved legal basis"
RECORDED = "Every regulatory report went to an authority on a recorded legal basis, with its hash"


def subscriber(rt: Runtime, code: str, package: str = "pkg-start") -> str:
    address = {"street": "ul. Polna 1", "postal_code": code, "city": "Miasto"}
    cid = make_customer(rt, address=address).id
    place_order(rt, cid, (package, 1))
    return cid


@pytest.fixture
def country(client: TestClient, rt: Runtime) -> dict[str, list[str]]:
    """11 subscribers in mazowieckie (one box each, active), 3 in małopolskie."""
    setup_shop(rt)
    maz = [subscriber(rt, MAZ) for _ in range(11)]
    mlp = [subscriber(rt, MLP, "pkg-family") for _ in range(3)]
    for cid in maz + mlp[:1]:
        _, token = make_device(rt, cid, postal_code=MAZ if cid in maz else MLP)
        posted = client.post(
            "/api/v1/telemetry/events", content=ndjson(events(5, 30)), headers=auth(token)
        )
        assert posted.status_code == 200
    with rt.job("disclosures", Purpose.SECURITY) as ctx:
        releases.add_recipient(ctx, "uke", "Urząd Komunikacji Elektronicznej", AUTHORITY, "PKE")
    return {"maz": maz, "mlp": mlp}


def published(path: Path) -> dict[tuple[str, str, str], str]:
    with path.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["Tabela", "Województwo", "Kolumna", "Wartość"]
    return {(t, r, c): v for t, r, c, v in rows[1:]}


def write(rt: Runtime, out: Path, **kw: object) -> regulatory.Written:
    args: dict[str, object] = {
        "year": clock.now().year,
        "out_dir": out,
        "recipient_id": "uke",
        "legal_basis": "PKE art. 38",
        "threshold": 10,
    }
    with rt.job("regulatory_report", Purpose.REGULATORY_COMPLIANCE) as ctx:
        args["skip"] = regulatory.left_out(ctx)
        return regulatory.write(ctx, Store(rt.settings.telemetry_root), **(args | kw))  # type: ignore[arg-type]


def test_p03_the_report_counts_by_voivodeship_and_suppresses_small_cells(
    rt: Runtime, country: dict[str, list[str]], tmp_path: Path
) -> None:
    written = write(rt, tmp_path)
    cells = published(written.csv)
    subs = "Abonenci według pakietu"
    # 3 in małopolskie: suppressed; with only two voivodeships counted, mazowieckie's 11
    # would give it away through the totals, so it goes too; the grand total stays
    assert cells[(subs, "małopolskie", "pkg-family")] == "x"
    assert cells[(subs, "mazowieckie", "pkg-start")] == "x"
    assert cells[(subs, "Razem", "Razem")] == "14"
    assert cells[(subs, "śląskie", "pkg-start")] == "0"  # nobody: published as 0
    small = [k for k, v in cells.items() if v not in ("x", "0") and int(v) < 10]
    assert small == []
    # with a threshold of 3 both voivodeships are published
    low = published(write(rt, tmp_path / "low", threshold=3).csv)
    assert low[(subs, "mazowieckie", "pkg-start")] == "11"
    assert low[(subs, "małopolskie", "pkg-family")] == "3"
    assert low[("Dekodery według modelu", "Razem", "IMB-4K-100")] == "12"
    active = [v for (t, r, c), v in low.items() if t.startswith("Aktywne") and r == "Razem"]
    assert "12" in active
    assert written.people == 14 and written.suppressed >= 4
    pdf = written.pdf.read_bytes()
    assert pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() == written.pdf_sha256
    with rt.sessions() as s:
        row = (
            s.execute(select(Disclosure).where(Disclosure.dataset == "regulatory_report"))
            .scalars()
            .first()
        )
    assert row is not None
    assert (row.recipient_kind, row.recipient_id, row.purpose) == (
        "authority",
        "uke",
        "regulatory_compliance",
    )
    assert row.file_sha256 == hashlib.sha256(written.csv.read_bytes()).hexdigest()
    assert row.legal_basis == "PKE art. 38" and written.pdf_sha256 in row.reference
    assert row.dataset == "regulatory_report" and row.subject_count == 14
    assert check(rt, AUTHORITIES)["status"] == "not_exercised"  # aggregates, not personal data
    assert check(rt, RECORDED)["status"] == "pass"


def test_p03_a_report_recorded_without_its_basis_turns_the_check_red(rt: Runtime) -> None:
    """A register row for a report written by hand, with no legal basis and no hash."""
    assert check(rt, RECORDED)["status"] == "not_exercised"
    with rt.sessions() as s:
        row = Disclosure(
            at=clock.now(),
            recipient_kind=AUTHORITY,
            recipient_id="uke",
            contract_ref="",
            purpose="regulatory_compliance",
            categories="address",
            fields="voivodeship",
            reference="regulatory report",
            actor="system:regulatory_report",
            request_id="r1",
            dataset="regulatory_report",
        )
        s.add(row)
        s.commit()
        row_id = row.id
    result = check(rt, RECORDED)
    assert result["status"] == "fail"
    assert f"report {row_id} to uke: not to a registered authority" in result["detail"]


def test_p03_the_canary_is_left_out(
    rt: Runtime, country: dict[str, list[str]], tmp_path: Path
) -> None:
    from imbplus.compliance import canary

    canary.plant(rt)
    written = write(rt, tmp_path)
    assert written.people == 14


def test_p03_suppression_holds_and_a_broken_one_is_caught() -> None:
    """3 x 2 inner cells with margins: one small cell; suppression hides it and partners so
    no line has a lone hidden entry; dropping the secondary step turns the check red."""
    people = [[12, 3], [20, 15], [30, 0]]
    grid = [[Cell(p, p) for p in row] + [Cell(sum(row), sum(row))] for row in people]
    totals = [sum(col) for col in zip(*people, strict=True)]
    grid.append([Cell(t, t) for t in totals] + [Cell(sum(totals), sum(totals))])
    hidden = suppression.suppress(grid, 10)
    assert (0, 1) in hidden and len(hidden) >= 4
    assert suppression.problems(grid, hidden, 10) == []
    primary_only = {(0, 1)}
    found = suppression.problems(grid, primary_only, 10)
    assert "cell 0,1 recoverable from its line's total" in found
    assert "cell 0,1 published from fewer than 10 people" in suppression.problems(grid, set(), 10)


def test_p03_a_report_that_would_publish_a_small_cell_is_refused(
    rt: Runtime, country: dict[str, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug in the suppression (it hides nothing) stops the report: no file, no register row."""
    monkeypatch.setattr(regulatory, "suppress", lambda grid, threshold: set())
    with pytest.raises(RuntimeError, match="does not hold"):
        write(rt, tmp_path / "out")
    assert list((tmp_path / "out").glob("*")) == []
    with rt.sessions() as s:
        reports = select(Disclosure).where(Disclosure.dataset == "regulatory_report")
        assert s.execute(reports).first() is None


def test_p03_bad_requests_are_clear(rt: Runtime, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(NotFound):
        write(rt, out, recipient_id="nobody")
    add_partner(rt)
    with pytest.raises(ValidationFailed) as refused:
        write(rt, out, recipient_id="market-research-co")
    assert "registered authority" in str(refused.value.details)
    with pytest.raises(ValidationFailed):
        write(rt, out, year=1999, recipient_id="market-research-co")
    assert not out.exists()


def test_p03_cli_and_console(
    client: TestClient, rt: Runtime, country: dict[str, list[str]], tmp_path: Path
) -> None:
    year = str(clock.now().year)
    done = imbplus(
        rt.settings, "report", "regulatory", "--year", year, "--out", str(tmp_path), "--quiet"
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / f"regulatory-{year}.csv").is_file() and "disclosure" in done.stdout
    bad = imbplus(rt.settings, "report", "regulatory", "--year", "1800", "--out", str(tmp_path))
    assert bad.returncode == 2 and bad.stderr.startswith("error:")
    dpo, _ = make_staff(rt, "dpo")
    login(client, dpo.username)
    choose(client, "regulatory_compliance")
    page = client.get("/console/regulatory")
    assert page.status_code == 200 and "uke" in page.text
    made = client.post(
        "/console/regulatory",
        data={"year": year, "csrf": page.text.split('name="csrf" value="')[1].split('"')[0]},
        follow_redirects=False,
    )
    assert made.status_code == 303
    listing = client.get("/console/regulatory")
    link = listing.text.split('href="/console/regulatory/')[1].split('"')[0]
    got = client.get(f"/console/regulatory/{link}")
    assert got.status_code == 200 and got.headers["content-type"].startswith(
        ("text/csv", "application/pdf")
    )
