"""P19: results for staff are aggregates with small-cell suppression (threshold 10)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from imbplus.errors import AccessDenied
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.privacy.models import AuditRecord
from imbplus.runtime import Runtime
from imbplus.surveys import results
from imbplus.surveys.results import suppress
from tests.support.factories import make_customer
from tests.support.surveys import answer_as, field_names, make_survey, option_ids
from tests.surveys.test_builder import console_as


def test_suppression_hides_small_cells_and_what_would_reveal_them() -> None:
    assert suppress([1, 1, 50], 10, partition=True) == [None, None, None]
    assert suppress([12, 3, 40], 10, partition=True) == [None, None, 40]
    assert suppress([12, 10, 40], 10, partition=True) == [12, 10, 40]
    assert suppress([0, 25, 30], 10, partition=True) == [0, 25, 30]
    assert suppress([9, 30, 30, 30], 10, partition=True) == [None, None, 30, 30]
    # cells of a multiple-choice question do not add up to a total: no second cell hidden
    assert suppress([3, 40, 40], 10, partition=False) == [None, 40, 40]


QUESTIONS = [
    {"kind": "single_choice", "prompt": "Ocena", "options": ["Dobrze", "Średnio", "Źle"]},
    {"kind": "postal_code", "prompt": "Kod"},
    {"kind": "free_text", "prompt": "Uwagi"},
    {"kind": "email", "prompt": "E-mail"},
]


def fill(rt: Runtime, n: int, *, small: int = 2) -> tuple[str, list[str]]:
    survey = make_survey(rt, QUESTIONS)
    f = field_names(rt, survey.id)
    good, fair, bad = option_ids(rt, survey.id, "single_choice")
    authors = []
    for i in range(n):
        customer = make_customer(rt)
        authors.append(customer.id)
        opinion = fair if i < small else bad if i < small + 10 and n > 20 else good
        answer_as(
            rt,
            survey.id,
            {
                f["single_choice"]: [opinion],
                f["postal_code"]: ["31-042" if i < n - small else "80-001"],
                f["free_text"]: [f"<b>uwaga {i}</b>"],
                f["email"]: [f"r{i}@example.pl"],
            },
            customer.id,
        )
    return survey.id, authors


def research(rt: Runtime, s: object, role: str = "marketing") -> Context:
    return Context(s, rt, Actor.staff(1, [role]), Purpose.MARKET_RESEARCH)  # type: ignore[arg-type]


def test_p19_fewer_responses_than_the_threshold_show_nothing(rt: Runtime) -> None:
    survey_id, _ = fill(rt, 9)
    with rt.unit_of_work() as s:
        found = results.results(research(rt, s), survey_id)
    assert found.respondents is None and found.questions == []


def test_p19_no_cell_under_the_threshold(rt: Runtime) -> None:
    survey_id, authors = fill(rt, 24)
    with rt.unit_of_work() as s:
        found = results.results(research(rt, s), survey_id)
    assert found.respondents == 24
    choice, postal, text, contact = found.questions
    # 12 good, 2 fair, 10 bad: the 2 is hidden, and the 10 with it, or 2 = 24 - 12 - 10
    assert [(c.label, c.count) for c in choice.cells] == [
        ("Dobrze", 12),
        ("Średnio", None),
        ("Źle", None),
    ]
    # two regions, 22 and 2: showing the 22 would give away the 2
    assert [(c.label, c.count) for c in postal.cells] == [("31-xxx", None), ("80-xxx", None)]
    shown = [c.count for q in found.questions for c in q.cells if c.count is not None]
    assert all(c == 0 or c >= 10 for c in shown)
    assert text.texts == sorted((f"<b>uwaga {i}</b>" for i in range(24)), key=str.casefold)
    assert contact.answered == 24 and contact.texts == [] and contact.cells == []
    with rt.sessions() as s:
        readers = set(
            s.execute(
                select(AuditRecord.subject_id).where(AuditRecord.action == "survey.comments")
            ).scalars()
        )
    assert readers == set(authors)  # each author sees the read in "who saw my data"


def test_p19_results_need_the_market_research_purpose(rt: Runtime) -> None:
    survey_id, _ = fill(rt, 1)
    with rt.unit_of_work() as s:
        ctx = Context(s, rt, Actor.staff(1, ["marketing"]), Purpose.MARKETING)
        with pytest.raises(AccessDenied):
            results.results(ctx, survey_id)
    with rt.unit_of_work() as s, pytest.raises(AccessDenied):
        results.results(research(rt, s, role="support"), survey_id)


def test_results_page_escapes_answers(client: TestClient, rt: Runtime) -> None:
    survey_id, _ = fill(rt, 10)
    console_as(client, rt, "analyst")
    page = client.get(f"/console/surveys/{survey_id}/results")
    assert page.status_code == 200 and "Responses: <strong>10</strong>" in page.text
    assert "&lt;b&gt;uwaga 3&lt;/b&gt;" in page.text and "<b>uwaga" not in page.text
    assert "&lt;10" in page.text
