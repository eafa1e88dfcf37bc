"""P19: the live check "Survey results left IMB+ only anonymized" looks at the disclosure
register: a real anonymized release passes, and survey answers recorded as handed over
identifiable (as a bug bypassing the anonymizer would) turn it red."""

from __future__ import annotations

from pathlib import Path

from imbplus.compliance import sharing
from imbplus.runtime import Runtime
from tests.compliance.test_sharing import PARTNER, add_partner
from tests.compliance.test_sharing_cli import _answer_many
from tests.processors.test_evidence_mutations import _insert
from tests.support.evidence import check
from tests.support.surveys import make_survey

LEFT = "Survey results left IMB+ only anonymized"


def _released(rt: Runtime, tmp_path: Path) -> None:
    survey = make_survey(rt)
    _answer_many(rt, survey.id, 30)
    add_partner(rt)
    request = sharing.Request("surveys", PARTNER, k=5, survey_id=survey.id)
    sharing.release_file(rt, request, tmp_path / "survey.csv")


def test_p19_no_release_yet_is_not_exercised(rt: Runtime) -> None:
    assert check(rt, LEFT)["status"] == "not_exercised"


def test_p19_a_real_anonymized_release_of_survey_results_passes(
    rt: Runtime, tmp_path: Path
) -> None:
    _released(rt, tmp_path)
    result = check(rt, LEFT)
    assert result["status"] == "pass", result["detail"]
    assert result["figures"] == {"releases": 1, "identifiable": 0}


def test_p19_survey_answers_handed_to_a_processor_unanonymized_are_named(
    rt: Runtime, tmp_path: Path
) -> None:
    _released(rt, tmp_path)
    row = _insert(rt, categories="survey_response", purpose="market_research", dataset="surveys")
    result = check(rt, LEFT)
    assert result["status"] == "fail"
    assert f"hand-over {row} to sandbox-carrier: not anonymized" in result["detail"]
    assert result["figures"]["identifiable"] == 1


def test_p19_survey_answers_with_contact_details_to_a_third_party_are_named(
    rt: Runtime, tmp_path: Path
) -> None:
    _released(rt, tmp_path)
    row = _insert(
        rt, recipient_kind="third_party", recipient_id=PARTNER, purpose="market_research",
        categories="survey_response,contact", dataset="surveys", k_anonymity=5,
    )  # fmt: skip
    result = check(rt, LEFT)
    assert result["status"] == "fail"
    assert f"hand-over {row} to {PARTNER}: identifying categories (contact)" in result["detail"]


def test_p19_an_authority_order_is_left_to_its_own_check(rt: Runtime, tmp_path: Path) -> None:
    _released(rt, tmp_path)
    _insert(
        rt, recipient_kind="authority", recipient_id="prokuratura", categories="survey_response"
    )
    assert check(rt, LEFT)["status"] == "pass"
