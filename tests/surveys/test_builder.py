"""P19: marketing staff build surveys of typed questions in the console."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from imbplus.runtime import Runtime
from imbplus.surveys.models import Survey
from tests.staff.test_console import choose, csrf_of, login
from tests.support.factories import make_staff


def console_as(
    client: TestClient, rt: Runtime, role: str, purpose: str = "market_research"
) -> None:
    staff, _ = make_staff(rt, role)
    login(client, staff.username)
    choose(client, purpose)


def create_survey(client: TestClient, **form: str) -> str:
    page = client.get("/console/surveys")
    response = client.post(
        "/console/surveys",
        data={"title": "Ankieta", "audience": "everyone", **form, "csrf": csrf_of(page)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    found = re.fullmatch(r"/console/surveys/([0-9a-f-]{36})", response.headers["location"])
    assert found
    return found.group(1)


def add(client: TestClient, survey_id: str, **form: str) -> object:
    page = client.get(f"/console/surveys/{survey_id}")
    return client.post(
        f"/console/surveys/{survey_id}/questions",
        data={**form, "csrf": csrf_of(page)},
        follow_redirects=False,
    )


def test_p19_marketing_builds_and_opens_a_survey(client: TestClient, rt: Runtime) -> None:
    console_as(client, rt, "marketing")
    survey_id = create_survey(client, title="Jak nam idzie? <i>pilot</i>")
    assert (
        add(
            client,
            survey_id,
            kind="single_choice",
            prompt="Ocena",
            options="Dobrze\nŹle",
            required="on",
        ).status_code
        == 303
    )
    assert add(client, survey_id, kind="postal_code", prompt="Kod").status_code == 303
    assert (
        add(
            client, survey_id, kind="number", prompt="Ile?", min_value="1", max_value="5"
        ).status_code
        == 303
    )
    assert add(client, survey_id, kind="company_size", prompt="Firma").status_code == 303
    page = client.get(f"/console/surveys/{survey_id}")
    assert "&lt;i&gt;pilot&lt;/i&gt;" in page.text and "<i>pilot</i>" not in page.text
    assert page.text.count("<li><strong>") == 4
    opened = client.post(
        f"/console/surveys/{survey_id}/open", data={"csrf": csrf_of(page)}, follow_redirects=False
    )
    assert opened.status_code == 303
    page = client.get(f"/console/surveys/{survey_id}")
    assert "Invite in the portal" in page.text and f"/surveys/{survey_id}" in page.text
    # questions are frozen once the survey is open
    late = add(client, survey_id, kind="free_text", prompt="Uwagi")
    assert late.status_code == 409
    with rt.sessions() as s:
        survey = s.get(Survey, survey_id)
        assert survey is not None and survey.status == "open"
        assert [q.kind for q in survey.questions] == [
            "single_choice",
            "postal_code",
            "number",
            "company_size",
        ]
        assert [o.label for o in survey.questions[0].options] == ["Dobrze", "Źle"]


def test_bad_questions_are_refused_with_the_field_named(client: TestClient, rt: Runtime) -> None:
    console_as(client, rt, "marketing")
    survey_id = create_survey(client)
    one_option = add(client, survey_id, kind="single_choice", prompt="?", options="Tylko jedna")
    assert one_option.status_code == 422 and "options: a choice question needs" in one_option.text
    limits = add(client, survey_id, kind="number", prompt="?", min_value="9", max_value="1")
    assert limits.status_code == 422 and "min_value" in limits.text
    not_a_number = add(client, survey_id, kind="number", prompt="?", min_value="dużo")
    assert not_a_number.status_code == 422 and "min_value" in not_a_number.text
    unknown = add(client, survey_id, kind="essay", prompt="?")
    assert unknown.status_code == 422 and "kind" in unknown.text
    blank = add(client, survey_id, kind="free_text", prompt="   ")
    assert blank.status_code == 422 and "prompt" in blank.text
    with rt.sessions() as s:
        survey = s.get(Survey, survey_id)
        assert survey is not None and survey.questions == []
    empty_open = client.post(
        f"/console/surveys/{survey_id}/open",
        data={"csrf": csrf_of(client.get(f"/console/surveys/{survey_id}"))},
    )
    assert empty_open.status_code == 409


def test_only_marketing_builds_surveys(client: TestClient, rt: Runtime) -> None:
    console_as(client, rt, "analyst")
    page = client.get("/console/surveys")
    assert page.status_code == 200 and "New survey" not in page.text
    refused = client.post("/console/surveys", data={"title": "X", "csrf": csrf_of(page)})
    assert refused.status_code == 403
    with rt.sessions() as s:
        assert s.execute(select(Survey)).first() is None


def test_unknown_survey_ids_are_404_pages(client: TestClient, rt: Runtime) -> None:
    console_as(client, rt, "marketing")
    for path in ("/console/surveys/nope", "/console/surveys/00000000-0000-4000-8000-000000000000"):
        page = client.get(path)
        assert page.status_code == 404 and "Nie znaleziono" in page.text
    results = client.get("/console/surveys/00000000-0000-4000-8000-000000000000/results")
    assert results.status_code == 404
