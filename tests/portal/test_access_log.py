"""B02: the customer sees every access to their data with role, purpose and time, no names."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from imbplus.clock import clock
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
    staff_read = [r for r in rows if "obsługa klienta" in r and "odczyt danych" in r]
    assert staff_read and "świadczenie usługi" in staff_read[0] and "udostępniono" in staff_read[0]
    refusal = [r for r in rows if "dział marketingu" in r]
    assert refusal and "odmówiono" in refusal[0] and "marketing" in refusal[0]
    assert "Proces automatyczny" in page.text  # the record was created by a job
    for code in ("(support)", "(shipping)", "customer.read", "device.list"):
        assert code not in page.text  # roles and operations in plain words
    for secret in (support.username, support.display_name, "jan.marketing", "staff:", other.id):
        assert secret not in page.text
    english = client.get("/en/portal/access-log")
    assert "Who saw my data" in english.text and "customer service" in english.text


def _rows(html: str) -> list[str]:
    if "<tbody>" not in html:
        return []
    return html.split("<tbody>")[1].split("</tbody>")[0].split("<tr")[1:]


def test_b02_reads_of_one_day_are_one_row_with_a_count(client: TestClient, rt: Runtime) -> None:
    me = make_subscriber(rt)
    _, token = make_staff(rt, "support")
    for _ in range(3):
        client.get(f"/api/v1/customers/{me.id}", headers=api_headers(token))
    portal_login(client, me.email)
    rows = [r for r in _rows(client.get("/portal/access-log").text) if "obsługa klienta" in r]
    assert len(rows) == 1 and "3 razy" in rows[0]


def test_b02_viewing_the_history_is_itself_recorded(client: TestClient, rt: Runtime) -> None:
    me = make_subscriber(rt)
    portal_login(client, me.email)
    client.get("/portal/access-log")
    second = client.get("/en/portal/access-log?mine=1")
    assert "you viewed this history" in second.text and "your own request" in second.text


def test_b02_own_actions_are_left_out_unless_asked(client: TestClient, rt: Runtime) -> None:
    me = make_subscriber(rt)
    portal_login(client, me.email)
    client.get("/portal/access-log")
    plain = client.get("/portal/access-log")
    assert all("przegląd tej historii" not in r for r in _rows(plain.text))
    assert 'name="mine" value="1">' in plain.text  # the filter, off
    mine = client.get("/portal/access-log?mine=1")
    own = [r for r in _rows(mine.text) if "przegląd tej historii" in r]
    assert own and "<td>Ty</td>" in own[0]
    assert 'name="mine" value="1" checked' in mine.text


def test_b02_groups_are_paged_by_their_key_with_a_notice_of_what_is_left(
    client: TestClient, rt: Runtime
) -> None:
    me = make_subscriber(rt)
    with rt.job("retention", Purpose.SECURITY) as ctx:
        for day in range(access_log.GROUPS_PER_PAGE + 5):
            for _ in range(2):
                ctx.note("device.updated", subject=me.id, reason=f"day {day}")
            clock.advance(86_400)
    portal_login(client, me.email)
    first = client.get("/portal/access-log")
    assert len(_rows(first.text)) == access_log.GROUPS_PER_PAGE
    notice = re.search(r"Jest jeszcze (\d+) starszych wierszy \(wpisów: (\d+)\)\.", first.text)
    assert notice is not None
    link = re.search(r'href="(/portal/access-log\?after=[^"]+)"', first.text)
    assert link is not None
    second = client.get(html.unescape(link.group(1)))
    rows = _rows(second.text)
    assert second.status_code == 200 and len(rows) == int(notice.group(1)) >= 5
    counted = sum(int(n) for n in re.findall(r"<td>(\d+) razy?</td>", "".join(rows)))
    assert counted == int(notice.group(2)) and "after=" not in second.text
    days = re.findall(r'<time datetime="([^"]+)"', first.text + second.text)
    assert days == sorted(days, reverse=True)  # newest day first, across the pages


@pytest.mark.parametrize(
    "query",
    ["mine=2", "mine=x", "after=xyz", "after=" + "A" * 3000, "after=WzEsMl0=", "after=%00"],
)
def test_b02_hostile_paging_values_are_refused_cleanly(
    client: TestClient, rt: Runtime, query: str
) -> None:
    me = make_subscriber(rt)
    portal_login(client, me.email)
    response = client.get(f"/portal/access-log?{query}")
    assert response.status_code == 422
    assert "Niektóre dane są niepoprawne" in response.text and "Traceback" not in response.text


def test_b02_a_forged_cursor_shows_no_one_else_s_records(client: TestClient, rt: Runtime) -> None:
    me, other = make_subscriber(rt), make_subscriber(rt)
    _, token = make_staff(rt, "support")
    client.get(f"/api/v1/customers/{other.id}", headers=api_headers(token))
    portal_login(client, me.email)
    forged = access_log.encode_group_cursor([-(10**6), 0, "", "", "", "", "", ""])
    page = client.get("/portal/access-log", params={"after": forged, "mine": 1})
    assert page.status_code == 200 and _rows(page.text)  # the cursor orders, never selects
    assert all("obsługa klienta" not in r for r in _rows(page.text))


def test_b02_only_a_customer_reads_their_own_history(rt: Runtime) -> None:
    staff, _ = make_staff(rt, "dpo")
    with rt.unit_of_work() as s:
        ctx = Context(s, rt, Actor.staff(staff.id, ["dpo"]), Purpose.DATA_SUBJECT_REQUEST)
        with pytest.raises(AccessDenied):
            access_log.grouped_trail(ctx)


def test_b02_history_needs_a_login(client: TestClient) -> None:
    assert client.get("/portal/access-log", follow_redirects=False).status_code == 303
