"""P06, P19: `imbplus export anonymized` for customers, surveys and telemetry, its refusals
(one line, exit 2, no file), and `imbplus disclosures list`."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from imbplus.privacy.disclosure import Disclosure
from imbplus.runtime import Runtime
from imbplus.settings import Settings
from tests.compliance.test_sharing import PARTNER, add_partner, customers_with_codes
from tests.support.cli import imbplus
from tests.support.surveys import answer_as, field_names, make_survey, option_ids
from tests.telemetry.test_queries import _fill

AGES = ["18-24", "25-34", "35-44"]
SIZES = ["1", "2-9"]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _answer_many(rt: Runtime, survey_id: str, n: int) -> None:
    names = field_names(rt, survey_id)
    rating = option_ids(rt, survey_id, "single_choice")
    for i in range(n):
        form = {
            names["single_choice"]: [rating[i % 2]],
            names["postal_code"]: [f"3{i % 2}-0{i % 5}1"],
            names["age_band"]: [AGES[i % 3]],
            names["company_size"]: [SIZES[i % 2]],
            names["free_text"]: [f"komentarz numer {i}"],
            names["email"]: [f"osoba{i}@example.pl"],
        }
        answer_as(rt, survey_id, form, None)


def test_p19_one_survey_goes_out_anonymized_without_free_text_or_contacts(
    rt: Runtime, settings: Settings, tmp_path: Path
) -> None:
    survey = make_survey(rt)
    _answer_many(rt, survey.id, 30)
    add_partner(rt)
    out = tmp_path / "survey.csv"
    done = imbplus(
        settings, "export", "anonymized", "surveys", "--survey", survey.id,
        "--k", "5", "--l", "2", "--to", PARTNER, "--out", str(out),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "released" in done.stdout and f"to {PARTNER}" in done.stdout
    rows = _rows(out)
    text = out.read_text(encoding="utf-8")
    assert "komentarz" not in text and "@" not in text
    assert not any(("free_text" in c or "email" in c or "phone" in c) for c in rows[0])
    quasi = [c for c in rows[0] if c != "q1_single_choice"]
    classes = Counter(tuple(r[c] for c in quasi) for r in rows)
    assert min(classes.values()) >= 5
    by_class: dict[tuple[str, ...], set[str]] = {}
    for r in rows:
        by_class.setdefault(tuple(r[c] for c in quasi), set()).add(r["q1_single_choice"])
    assert min(len(v) for v in by_class.values()) >= 2  # l = 2
    with rt.sessions() as s:
        row = s.execute(select(Disclosure)).scalar_one()
    assert row.dataset == "surveys" and row.categories == "survey_response"
    assert row.l_diversity is not None and row.l_diversity >= 2


def test_p06_telemetry_goes_out_as_generalized_box_days(
    rt: Runtime, settings: Settings, tmp_path: Path
) -> None:
    _fill(rt, boxes=120, days=2)
    add_partner(rt)
    out = tmp_path / "telemetry.csv"
    done = imbplus(
        settings, "export", "anonymized", "telemetry", "--k", "10", "--days", "7",
        "--to", PARTNER, "--out", str(out),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = _rows(out)
    assert set(rows[0]) == {"day", "region", "model", "viewing"}
    assert min(Counter((r["day"], r["region"], r["model"]) for r in rows).values()) >= 10
    listed = imbplus(settings, "disclosures", "list", "--kind", "third_party")
    assert listed.returncode == 0, listed.stderr
    assert PARTNER in listed.stdout and "telemetry" in listed.stdout
    earlier = imbplus(settings, "disclosures", "list", "--kind", "processor")
    assert PARTNER not in earlier.stdout


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["invoices"], "dataset"),
        (["customers", "--k", "1"], "k"),
        (["customers", "--k", "500"], "larger than the table"),
        (["customers", "--to", "nobody"], "unknown recipient"),
    ],
)
def test_p06_bad_input_is_one_line_exit_2_and_no_file(
    rt: Runtime, settings: Settings, tmp_path: Path, args: list[str], says: str
) -> None:
    customers_with_codes(rt, 10)
    add_partner(rt)
    out = tmp_path / "out" / "x.csv"
    out.parent.mkdir()
    to = [] if "--to" in args else ["--to", PARTNER]
    done = imbplus(settings, "export", "anonymized", *args, *to, "--out", str(out))
    assert done.returncode == 2, done.stdout + done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and says in lines[0], done.stderr
    assert list(out.parent.iterdir()) == []


def test_p01_disclosures_add_recipient_and_list(settings: Settings) -> None:
    added = imbplus(
        settings, "disclosures", "add-recipient", "--id", "gus", "--name", "GUS",
        "--kind", "third_party", "--agreement", "UDO-7",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    listed = imbplus(settings, "disclosures", "recipients")
    assert "gus" in listed.stdout and "UDO-7" in listed.stdout
    bad = imbplus(settings, "disclosures", "list", "--kind", "friends")
    assert bad.returncode == 2 and "kind" in bad.stderr
    empty = imbplus(settings, "disclosures", "list", "--since", "2026-01-01")
    assert empty.returncode == 0 and "0 rows" in empty.stdout
