"""B02: the customer sees every access to their data with role, purpose and time, no names."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from imbplus.errors import AccessDenied
from imbplus.portal import access_log
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.runtime import Runtime
from tests.portal.test_pages import portal_login
from tests.support.factories import api_headers, make_staff, make_subscriber


def test_b02_staff_reads_are_listed_by_role_and_purpose_without_names(
    client: TestClient, rt: Runtime
) -> None:
    me = make_subscriber(rt)
    other = make_subscriber(rt)
    support, support_token = make_staff(rt, "support", username="ewa.support")
    _, marketing_token = make_staff(rt, "marketing", username="jan.marketing")
    assert client.get(f"/api/v1/customers/{me.id}", headers=api_headers(support_token)).is_success
    refused = client.get(
        f"/api/v1/customers/{me.id}", headers=api_headers(marketing_token, "marketing")
    )
    assert refused.status_code == 403
    client.get(f"/api/v1/customers/{other.id}", headers=api_headers(support_token))

    portal_login(client, me.email)
    page = client.get("/portal/access-log")
    assert page.status_code == 200
    rows = page.text.split("<tbody>")[1].split("</tbody>")[0].split("<tr")
    staff_read = [r for r in rows if "(support)" in r and "odczyt danych" in r]
    assert staff_read and "świadczenie usługi" in staff_read[0] and "udostępniono" in staff_read[0]
    refusal = [r for r in rows if "(marketing)" in r]
    assert refusal and "odmówiono" in refusal[0] and "marketing" in refusal[0]
    assert "Proces automatyczny" in page.text  # the record was created by a job
    for secret in (support.username, support.display_name, "jan.marketing", "staff:", other.id):
        assert secret not in page.text
    english = client.get("/en/portal/access-log")
    assert "Who saw my data" in english.text and "viewed your data" in english.text


def test_b02_viewing_the_history_is_itself_recorded(client: TestClient, rt: Runtime) -> None:
    me = make_subscriber(rt)
    portal_login(client, me.email)
    client.get("/portal/access-log")
    second = client.get("/en/portal/access-log")
    assert "you viewed this history" in second.text and "your own request" in second.text


def test_b02_only_a_customer_reads_their_own_history(rt: Runtime) -> None:
    staff, _ = make_staff(rt, "dpo")
    with rt.unit_of_work() as s:
        ctx = Context(s, rt, Actor.staff(staff.id, ["dpo"]), Purpose.DATA_SUBJECT_REQUEST)
        with pytest.raises(AccessDenied):
            access_log.own_trail(ctx)


def test_b02_history_needs_a_login(client: TestClient) -> None:
    assert client.get("/portal/access-log", follow_redirects=False).status_code == 303
