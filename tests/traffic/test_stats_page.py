"""P21: traffic statistics for staff, from masked addresses only."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from imbplus.runtime import Runtime
from tests.staff.test_console import choose, login
from tests.support.factories import make_staff


def visit(app: FastAPI, address: str, *paths: str, referer: str | None = None) -> None:
    headers = {"referer": referer} if referer else {}
    with TestClient(app, client=(address, 5000), raise_server_exceptions=False) as c:
        for path in paths:
            c.get(path, headers=headers)


def test_p21_statistics_page_shows_masked_networks_only(app: FastAPI, rt: Runtime) -> None:
    visit(
        app, "203.0.113.77", "/portal/login", "/en/portal/login", referer="https://duckduckgo.com/"
    )
    visit(app, "203.0.113.9", "/portal/login", "/nope")
    visit(app, "2001:db8:1:2::5", "/portal/register")
    analyst, _ = make_staff(rt, "analyst")
    with TestClient(app, raise_server_exceptions=False) as client:
        login(client, analyst.username)
        choose(client, "traffic_statistics")
        page = client.get("/console/traffic?days=7")
    assert page.status_code == 200
    text = page.text
    # (the analyst's own requests may or may not be written yet: counts below are per network)
    assert "<code>203.0.113.0/24</code></td><td>4</td>" in text
    assert "<code>2001:db8:1::/48</code></td><td>1</td>" in text
    assert "<code>/portal/login</code></td><td>3</td>" in text
    assert "duckduckgo.com" in text and "(not found)" in text
    assert "<svg" in text and "<rect" in text and "<script" not in text
    for full in ("203.0.113.77", "203.0.113.9", "2001:db8:1:2::5"):
        assert full not in text


def test_statistics_need_the_traffic_purpose(client: TestClient, rt: Runtime) -> None:
    support, _ = make_staff(rt, "support")
    login(client, support.username)
    choose(client, "service_delivery")
    refused = client.get("/console/traffic")
    assert refused.status_code == 403 and "web_request_log" in refused.text
    assert client.get("/console/traffic?days=0").status_code == 422
