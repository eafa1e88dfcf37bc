"""Whole numbers outside a parameter's bounds (2**63, -1, 40 digits) are a 422 naming the
field, on every route, and the bounds fit the columns: never a 500 from the database driver
(SQLite raises OverflowError at 2**63, PostgreSQL refuses 2**31 for an `Integer` column)."""

from __future__ import annotations

import base64
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response

from imbplus.bounds import INT64_MAX
from imbplus.privacy.catalog import Purpose
from imbplus.processors import credentials
from imbplus.runtime import Runtime
from tests.hardening.int_params import IntParam, Loc, int_params
from tests.portal.test_pages import portal_login
from tests.staff.test_console import choose, csrf_of, login
from tests.support.factories import api_headers, make_staff, make_subscriber

OUT_OF_RANGE = [2**63, -1, 10**40]
SAMPLES = {  # routes that once answered these numbers with a 500; the walk must find them
    ("GET", "/api/v1/audit", "before_seq"),
    ("GET", "/console/audit", "before"),
    ("GET", "/portal/access-log", "mine"),
    ("POST", "/api/v1/rights/requests/{request_id}/close", "request_id"),
}
_PLACEHOLDER = re.compile(r"\{(\w+)(?::\w+)?\}")


@pytest.fixture
def clients(app: FastAPI, rt: Runtime) -> Iterator[dict[str, TestClient]]:
    """One client per audience, each signed in as that audience signs in."""
    staff, token = make_staff(rt, "dpo")
    subscriber = make_subscriber(rt)
    with rt.job("processors", Purpose.SECURITY) as ctx:  # the carrier reads its own feed
        carrier = credentials.issue(ctx, "sandbox-carrier").token
    with (
        TestClient(app, raise_server_exceptions=False) as api,
        TestClient(app, raise_server_exceptions=False) as feed,
        TestClient(app, raise_server_exceptions=False) as console,
        TestClient(app, raise_server_exceptions=False) as portal,
        TestClient(app, raise_server_exceptions=False) as public,
    ):
        api.headers.update(api_headers(token, "security"))
        feed.headers["Authorization"] = f"Bearer {carrier}"
        assert login(console, staff.username).status_code == 303
        assert choose(console, "security").status_code == 303
        assert portal_login(portal, subscriber.email).status_code == 303
        yield {"api": api, "feed": feed, "console": console, "portal": portal, "public": public}


# the opening of the Polish 422 page ("error.message.validation_failed")
_REFUSED_PAGE = "Niektóre dane są niepoprawne"


def _audience(path: str) -> str:
    for prefix, audience in (
        ("/api/v1/feeds/", "feed"),
        ("/api/", "api"),
        ("/console", "console"),
        ("/portal", "portal"),
    ):
        if path.startswith(prefix):
            return audience
    return "public"


def _nested(loc: Loc, value: int) -> Any:
    if not loc:
        return value
    head, rest = loc[0], loc[1:]
    return [_nested(rest, value)] if isinstance(head, int) else {head: _nested(rest, value)}


def _csrf(clients: dict[str, TestClient]) -> dict[str, str]:
    """The anti-forgery token of each signed-in page session: forms of the console and the
    portal carry it, as a browser's would, so the value under test is what gets judged."""
    return {
        "console": csrf_of(clients["console"].get("/console/incidents")),
        "portal": csrf_of(clients["portal"].get("/portal")),
    }


def _send(client: TestClient, param: IntParam, value: int, csrf: str | None = None) -> Response:
    def fill(match: re.Match[str]) -> str:
        return str(value) if match.group(1) == param.name else str(uuid.uuid4())

    url = _PLACEHOLDER.sub(fill, param.path)
    name, text = param.name, str(value)
    kwargs: dict[str, Any] = {
        "query": {"params": {name: text}},
        "header": {"headers": {name: text}},
        "cookie": {"cookies": {name: text}},
        "form": {"data": {name: text, "csrf": csrf or "x"}},
        "json": {"json": _nested(param.loc, value)},
    }.get(param.where, {})
    if csrf is not None and param.method != "GET" and not kwargs:
        kwargs = {"data": {"csrf": csrf}}
    return client.request(param.method, url, follow_redirects=False, **kwargs)


def test_every_int_parameter_of_every_route_has_64_bit_bounds(app: FastAPI) -> None:
    params = int_params(app)
    assert {(p.method, p.path, p.name) for p in params} >= SAMPLES
    unbounded = [
        f"{p.method} {p.path} {p.where}:{p.name}"
        for p in params
        if p.low is None or p.high is None or p.low < -INT64_MAX - 1 or p.high > INT64_MAX
    ]
    assert not unbounded, unbounded


@pytest.mark.parametrize("value", OUT_OF_RANGE, ids=["2**63", "-1", "40-digits"])
def test_out_of_range_numbers_are_refused_with_a_4xx_naming_the_field(
    app: FastAPI, clients: dict[str, TestClient], value: int
) -> None:
    failures = []
    tokens = _csrf(clients)
    for param in int_params(app):
        if param.low is not None and param.high is not None and param.low <= value <= param.high:
            continue  # in range for this parameter
        audience = _audience(param.path)
        response = _send(clients[audience], param, value, tokens.get(audience))
        where = f"{param.method} {param.path} {param.where}:{param.name}"
        if response.status_code != 422:
            failures.append(f"{where} -> {response.status_code}")
        elif param.path.startswith("/api/"):
            named = [f["field"] for f in response.json()["fields"]]
            if param.name not in named:
                failures.append(f"{where} -> 422 naming {named}")
        elif param.path.startswith("/console"):
            if param.loc[-1] not in response.text:  # the staff console is for its developers
                failures.append(f"{where} -> 422 page without the field's name")
        elif _REFUSED_PAGE not in response.text:
            # a page speaks the reader's language and names no field by its code name
            failures.append(f"{where} -> 422 page without the validation message")
    assert not failures, failures


@pytest.mark.parametrize("edge", ["low", "high"])
def test_the_smallest_and_largest_accepted_numbers_never_fail(
    app: FastAPI, clients: dict[str, TestClient], edge: str
) -> None:
    failures = []
    tokens = _csrf(clients)
    for param in int_params(app):
        value = param.low if edge == "low" else param.high
        assert value is not None
        audience = _audience(param.path)
        response = _send(clients[audience], param, value, tokens.get(audience))
        if response.status_code >= 500:
            failures.append(f"{param.method} {param.path} {param.name}={value}")
    assert not failures, failures


def _largest(app: FastAPI, method: str, path: str, name: str) -> int:
    found = [p.high for p in int_params(app) if (p.method, p.path, p.name) == (method, path, name)]
    assert found and found[0] is not None
    return found[0]


def _named(clients: dict[str, TestClient], route: str, value: int) -> Response:
    """A complete request (signed in, right purpose, valid form) with `value` in the id."""
    api, console, portal = clients["api"], clients["console"], clients["portal"]
    if route == "/api/v1/audit":
        return api.get(route, params={"before_seq": value})
    if route == "/console/audit":
        return console.get(route, params={"before": value})
    if route == "/portal/access-log":
        return portal.get(route, params={"mine": value})
    if route == "/api/v1/rights/requests/{request_id}/close":
        return api.post(
            f"/api/v1/rights/requests/{value}/close",
            json={"status": "done", "outcome": "answered"},
            headers={"X-Purpose": "data_subject_request"},
        )
    if route == "/console/incidents/{incident_id}":
        form = {"status": "assessing", "csrf": csrf_of(console.get("/console/incidents"))}
        return console.post(f"/console/incidents/{value}", data=form)
    assert route == "/portal/policy-notice"
    form = {"version_id": str(value), "csrf": csrf_of(portal.get("/portal"))}
    return portal.post(route, data=form)


@pytest.mark.parametrize(
    ("method", "route", "name"),
    [
        *sorted(SAMPLES),
        ("POST", "/console/incidents/{incident_id}", "incident_id"),
        ("POST", "/portal/policy-notice", "version_id"),
    ],
)
def test_an_id_takes_its_columns_largest_value_and_one_more_is_a_422(
    app: FastAPI, clients: dict[str, TestClient], method: str, route: str, name: str
) -> None:
    largest = _largest(app, method, route, name)
    assert _named(clients, route, largest).status_code in (200, 404)
    refused = _named(clients, route, largest + 1)
    assert refused.status_code == 422
    if route.startswith(("/api/", "/console")):
        assert name in refused.text
    else:
        assert _REFUSED_PAGE in refused.text


def _cursor(stamp: int) -> str:
    return base64.urlsafe_b64encode(f"{stamp}|{uuid.uuid4()}".encode()).decode()


@pytest.mark.parametrize("path", ["/api/v1/customers", "/api/v1/devices"])
@pytest.mark.parametrize("stamp", [10**40, -(10**40), 2**63])
def test_a_cursor_with_an_out_of_range_time_is_a_422(
    client: TestClient, rt: Runtime, path: str, stamp: int
) -> None:
    token = make_staff(rt, "support")[1]
    response = client.get(
        path, params={"cursor": _cursor(stamp)}, headers=api_headers(token, "service_delivery")
    )
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["fields"]] == ["cursor"]
