"""B01 across domains: one person's export gathers every domain; erasure reaches every domain."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from imbplus.compliance import retention
from imbplus.runtime import Runtime
from imbplus.surveys.models import Answer, Response
from tests.portal.test_pages import portal_login
from tests.staff.test_console import csrf_of
from tests.support.factories import api_headers, make_device, make_staff, make_subscriber
from tests.support.surveys import make_survey
from tests.surveys.test_answers import full_answers


def test_b01_export_and_erasure_cover_boxes_and_surveys(client: TestClient, rt: Runtime) -> None:
    me = make_subscriber(rt)
    device, _token = make_device(rt, me.id)
    survey = make_survey(rt)
    portal_login(client, me.email)
    page = client.get(f"/portal/surveys/{survey.id}")
    client.post(
        f"/portal/surveys/{survey.id}", data={**full_answers(rt, survey.id), "csrf": csrf_of(page)}
    )
    client.cookies.clear()
    _, dpo = make_staff(rt, "dpo")
    headers = api_headers(dpo, "data_subject_request")

    export = client.get(f"/api/v1/customers/{me.id}/export", headers=headers)
    assert export.status_code == 200, export.text
    data = export.json()
    assert [b["serial"] for b in data["set_top_boxes"]["boxes"]] == [device.serial]
    protection = data["set_top_boxes"]["stb_protection"]
    assert (protection["pin_set"], protection["password_set"]) == (False, False)
    [response] = data["surveys"]["responses"]
    given = {a["question"]: a["answer"] for a in response["answers"]}
    assert "Więcej meczów siatkówki, proszę." in given.values()
    assert "$argon2" not in export.text

    erased = client.post(f"/api/v1/customers/{me.id}/erasure", headers=headers)
    assert erased.status_code == 200, erased.text
    assert {"customers", "portal", "devices", "surveys"} <= set(erased.json()["erased"])
    with rt.sessions() as s:
        responses = s.execute(select(Response)).scalars().all()
        assert [r.customer_id for r in responses] == [None]  # an anonymous contribution now
        assert all(a.text_ct is None for a in s.execute(select(Answer)).scalars())


def test_p13_the_schedule_covers_every_store() -> None:
    names = {r.name for r in retention.schedule()}
    assert {"auth.sessions", "telemetry.days", "traffic.full_ip", "traffic.masked"} <= names
