"""P01, P06, P19 in the console: the DPO's disclosure register page (kind filter, paging, no
personal value; other roles refused), and the anonymized export on a survey's results page."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from imbplus.privacy.disclosure import Disclosure
from imbplus.runtime import Runtime
from tests.compliance.test_sharing import PARTNER, add_partner, customers_with_codes, export
from tests.compliance.test_sharing_cli import _answer_many
from tests.support.console import choose, csrf_of, login
from tests.support.factories import make_staff
from tests.support.shop import place_order, setup_shop
from tests.support.surveys import make_survey


def test_p01_the_dpo_sees_every_kind_of_recipient_filtered_and_paged(
    client: TestClient, rt: Runtime, tmp_path: Path
) -> None:
    setup_shop(rt)
    ids = customers_with_codes(rt, 12)
    place_order(rt, ids[0])  # the card to the payment processor
    add_partner(rt)
    export(rt, tmp_path / "a.csv", k=5)
    dpo, _ = make_staff(rt, "dpo")
    login(client, dpo.username)
    choose(client, "security")
    assert 'href="/console/disclosures"' in client.get("/console").text
    page = client.get("/console/disclosures")
    assert page.status_code == 200
    assert "Badania Rynku sp. z o.o." in page.text and "sandbox-payments" in page.text
    assert "k=" in page.text and "Zofia" not in page.text and "@example.pl" not in page.text
    third = client.get("/console/disclosures", params={"kind": "third_party"})
    register = third.text.split("<h2>Third parties")[0]
    assert PARTNER in register and "sandbox-payments" not in register
    processors = client.get("/console/disclosures", params={"kind": "processor"})
    assert "customers (postal_code" not in processors.text
    with rt.sessions() as s:
        newest = s.execute(select(Disclosure.id).order_by(Disclosure.id.desc())).scalars().first()
    older = client.get("/console/disclosures", params={"before": newest})
    assert older.status_code == 200 and "customers (postal_code" not in older.text
    junk = client.get("/console/disclosures", params={"kind": "<script>"})
    assert junk.status_code == 200 and "<script>" not in junk.text


def test_p01_other_roles_cannot_read_the_disclosure_register(
    client: TestClient, rt: Runtime
) -> None:
    for role in ("support", "marketing", "analyst"):
        staff, _ = make_staff(rt, role)
        client.cookies.clear()
        login(client, staff.username)
        choose(client, rt.gate.purposes_for([role])[0].value)
        assert client.get("/console/disclosures").status_code == 403
        assert 'href="/console/disclosures"' not in client.get("/console").text
    client.cookies.clear()
    assert client.get("/console/disclosures", follow_redirects=False).status_code in (302, 303)


def test_p19_marketing_exports_a_survey_anonymized_from_its_results(
    client: TestClient, rt: Runtime
) -> None:
    survey = make_survey(rt)
    _answer_many(rt, survey.id, 30)
    marketing, _ = make_staff(rt, "marketing")
    login(client, marketing.username)
    choose(client, "market_research")
    results = client.get(f"/console/surveys/{survey.id}/results")
    assert "No third party is registered" in results.text
    add_partner(rt)
    results = client.get(f"/console/surveys/{survey.id}/results")
    assert f'action="/console/surveys/{survey.id}/anonymized"' in results.text
    form = {"csrf": csrf_of(results), "recipient": PARTNER, "k": "5"}
    got = client.post(f"/console/surveys/{survey.id}/anonymized", data=form)
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    assert "attachment" in got.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(got.text)))
    quasi = [c for c in rows[0] if c != "q1_single_choice"]
    assert min(Counter(tuple(r[c] for c in quasi) for r in rows).values()) >= 5
    assert "komentarz" not in got.text and "@" not in got.text
    with rt.sessions() as s:
        row = s.execute(select(Disclosure)).scalar_one()
    assert str(row.id) == got.headers["x-disclosure"] and row.actor.startswith("staff:")
    stale = client.post(f"/console/surveys/{survey.id}/anonymized", data=form | {"csrf": "x"})
    assert stale.status_code in (400, 403)
    too_big = client.post(f"/console/surveys/{survey.id}/anonymized", data=form | {"k": "99"})
    assert too_big.status_code == 400 and "larger than the table" in too_big.text
