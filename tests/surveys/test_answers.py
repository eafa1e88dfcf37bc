"""P19: customers (portal) and visitors (public page) answer; answers stored by category."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from imbplus.privacy.crypto import SCOPE_SYSTEM
from imbplus.privacy.models import AuditRecord, DataKey
from imbplus.runtime import Runtime
from imbplus.surveys.models import Answer, Response
from tests.portal.test_pages import portal_login
from tests.staff.test_console import csrf_of
from tests.support.factories import make_subscriber
from tests.support.surveys import field_names, make_survey, option_ids


def full_answers(rt: Runtime, survey_id: str) -> dict[str, list[str]]:
    f = field_names(rt, survey_id)
    return {
        f["single_choice"]: [option_ids(rt, survey_id, "single_choice")[0]],
        f["multiple_choice"]: option_ids(rt, survey_id, "multiple_choice")[:2],
        f["number"]: ["2"],
        f["postal_code"]: ["31-042"],
        f["age"]: ["34"],
        f["age_band"]: ["25-34"],
        f["company_size"]: ["10-49"],
        f["free_text"]: ["Więcej meczów siatkówki, proszę."],
        f["email"]: ["Kontakt.Ankieta@example.pl"],
        f["phone"]: ["600 700 800"],
    }


def test_p19_customer_answers_in_the_portal(client: TestClient, rt: Runtime) -> None:
    me = make_subscriber(rt)
    survey = make_survey(rt)
    portal_login(client, me.email)
    page = client.get(f"/portal/surveys/{survey.id}")
    assert page.status_code == 200 and "Zadowolenie z usług" in page.text
    sent = client.post(
        f"/portal/surveys/{survey.id}",
        data={**full_answers(rt, survey.id), "csrf": csrf_of(page)},
        follow_redirects=False,
    )
    assert sent.status_code == 303 and sent.headers["location"] == "/portal/surveys?done=answered"
    with rt.sessions() as s:
        response = s.execute(select(Response)).scalar_one()
        assert (response.respondent, response.customer_id) == ("customer", me.id)
        key = s.get(DataKey, response.key_id)
        assert key is not None and key.owner_ref == me.id  # the customer's own key
        rows = s.execute(select(Answer)).scalars().all()
        typed = {(a.postal_code, a.age, a.age_band, a.company_size, a.number_value) for a in rows}
        assert ("31-042", None, None, None, None) in typed
        assert (None, 34, None, None, None) in typed
        assert (None, None, "25-34", None, None) in typed
        assert (None, None, None, "10-49", None) in typed
        assert (None, None, None, None, 2) in typed
        assert len([a for a in rows if a.option_id]) == 3
        encrypted = [a for a in rows if a.text_ct is not None]
        assert sorted(a.category for a in encrypted) == ["contact", "contact", "survey_response"]
        assert all(b"siatk" not in (a.text_ct or b"") for a in rows)
        answered = s.execute(
            select(AuditRecord).where(AuditRecord.action == "survey.answer")
        ).scalar_one()
        assert (answered.actor_kind, answered.subject_id, answered.purpose) == (
            "customer",
            me.id,
            "market_research",
        )
    again = client.get(f"/portal/surveys/{survey.id}")
    assert again.status_code == 409 and "ma już Twoje odpowiedzi" in again.text


def test_refused_answers_are_named_and_nothing_is_stored(client: TestClient, rt: Runtime) -> None:
    me = make_subscriber(rt)
    survey = make_survey(rt)
    other = make_survey(rt, title="Inna")
    f = field_names(rt, survey.id)
    portal_login(client, me.email)
    page = client.get(f"/portal/surveys/{survey.id}")
    refused = client.post(
        f"/portal/surveys/{survey.id}",
        data={
            f["single_choice"]: option_ids(rt, other.id, "single_choice")[0],
            f["postal_code"]: "3104",
            f["age"]: "130",
            f["email"]: "nie-email",
            f["free_text"]: "<script>alert(1)</script>",
            "csrf": csrf_of(page),
        },
    )
    assert refused.status_code == 422
    for kind in ("single_choice", "postal_code", "age", "email"):
        assert f'id="{f[kind]}-problem"' in refused.text
    assert "<script>alert(1)</script>" not in refused.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in refused.text  # kept, escaped
    missing = client.post(
        f"/portal/surveys/{survey.id}", data={f["age"]: "40", "csrf": csrf_of(page)}
    )
    assert missing.status_code == 422 and f'id="{f["single_choice"]}-problem"' in missing.text
    with rt.sessions() as s:
        assert s.execute(select(Response)).first() is None
        assert s.execute(select(Answer)).first() is None


def test_p19_visitor_answers_anonymously(client: TestClient, rt: Runtime) -> None:
    survey = make_survey(
        rt,
        [{"kind": "age_band", "prompt": "Wiek?"}, {"kind": "free_text", "prompt": "Uwagi?"}],
        audience="public",
    )
    f = field_names(rt, survey.id)
    page = client.get(f"/en/surveys/{survey.id}")
    assert page.status_code == 200 and "You answer anonymously" in page.text
    assert set(page.cookies.keys()) <= {"imb_csrf"}
    sent = client.post(
        f"/en/surveys/{survey.id}",
        data={f["age_band"]: "65+", f["free_text"]: "Dobra jakość", "csrf": csrf_of(page)},
        follow_redirects=False,
    )
    assert sent.headers["location"] == f"/en/surveys/{survey.id}/thanks"
    assert "Thank you" in client.get(sent.headers["location"]).text
    with rt.sessions() as s:
        response = s.execute(select(Response)).scalar_one()
        assert (response.respondent, response.customer_id, response.lang) == (
            "visitor",
            None,
            "en",
        )
        key = s.get(DataKey, response.key_id)
        assert key is not None and key.scope == SCOPE_SYSTEM


def test_who_may_answer_what(client: TestClient, rt: Runtime) -> None:
    customers_only = make_survey(rt, audience="customers")
    draft = make_survey(rt, audience="everyone", opened=False)
    assert client.get(f"/surveys/{customers_only.id}").status_code == 404
    assert client.get(f"/surveys/{draft.id}").status_code == 404
    public = make_survey(rt, audience="public")
    me = make_subscriber(rt)
    portal_login(client, me.email)
    assert client.get(f"/portal/surveys/{public.id}").status_code == 404
    assert client.get(f"/portal/surveys/{draft.id}").status_code == 404


def test_a_closed_survey_takes_no_answers(client: TestClient, rt: Runtime) -> None:
    from imbplus.privacy.catalog import Purpose
    from imbplus.surveys import service

    survey = make_survey(rt, [{"kind": "age", "prompt": "Wiek?"}], audience="public")
    page = client.get(f"/surveys/{survey.id}")
    with rt.job("surveys", Purpose.MARKET_RESEARCH) as ctx:
        service.close_survey(ctx, survey.id)
    f = field_names(rt, survey.id)
    late = client.post(f"/surveys/{survey.id}", data={f["age"]: "30", "csrf": csrf_of(page)})
    assert late.status_code == 409 and "zamknięta" in late.text
    with rt.sessions() as s:
        assert s.execute(select(Response)).first() is None


def test_unknown_survey_ids_are_clear_404_pages(client: TestClient, rt: Runtime) -> None:
    for path in ("/surveys/nope", "/en/surveys/00000000-0000-4000-8000-000000000000"):
        page = client.get(path)
        assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "There is nothing at this address" in client.get("/en/surveys/nope").text
    me = make_subscriber(rt)
    portal_login(client, me.email)
    home = client.get("/portal")
    posted = client.post("/portal/surveys/nope", data={"csrf": csrf_of(home), "q1": "x"})
    assert posted.status_code == 404


def test_p05_free_text_and_contact_answers_are_not_stored_in_plain_text(rt: Runtime) -> None:
    from tests.support.surveys import answer_as
    from tests.test_p05_no_plaintext import _database_text

    me = make_subscriber(rt)
    survey = make_survey(rt)
    f = field_names(rt, survey.id)
    secret_text = "Mój sąsiad Zdzisław Kowalczyk z ulicy Różanej"
    answer_as(
        rt,
        survey.id,
        {
            f["single_choice"]: [option_ids(rt, survey.id, "single_choice")[1]],
            f["free_text"]: [secret_text],
            f["email"]: ["zdzislaw.sasiad@poczta-testowa.pl"],
            f["phone"]: ["+48 698 123 456"],
        },
        me.id,
    )
    answer_as(
        rt,
        survey.id,
        {
            f["single_choice"]: [option_ids(rt, survey.id, "single_choice")[0]],
            f["free_text"]: ["Gość: Bożena z Gniezna"],
        },
        None,
    )
    database = _database_text(rt)
    for needle in ("Zdzisław", "Kowalczyk", "zdzislaw.sasiad", "698123456", "Bożena z Gniezna"):
        assert needle.encode() not in database, needle
