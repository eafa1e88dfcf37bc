"""Every route is closed by its router unless it is on the public list (`public_routes.py`).

The inventory reads who may call each route from the dependencies FastAPI will solve for it
(the router's and the handler's), so a route added to a closed router is closed without a
word, and a new router that forgets its audience fails here. The second test asks every
closed route, with no session and no token, and sees it refused before the handler runs.
"""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from imbplus.staff.mfa_pages import enrolment_csrf
from imbplus.web.audiences import inventory
from imbplus.web.guards import pre_login_form_csrf, staff_form_csrf
from imbplus.web.subscribers import portal_form_csrf, portal_header_csrf
from tests.web.public_routes import PUBLIC

FORM_GUARDS = {staff_form_csrf, pre_login_form_csrf, portal_form_csrf, enrolment_csrf}
HEADER_GUARDS = {portal_header_csrf}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# Forms posted without any cookie carry a signed, expiring form token checked in the service.
SIGNED_FORMS = {
    ("POST", "/cookies/consent"),
    ("POST", "/contact"),
    ("POST", "/feedback"),
    ("POST", "/unsubscribe"),
}


def test_every_route_names_its_audience_and_only_listed_ones_are_open(app: FastAPI) -> None:
    table = inventory(app)
    assert len(table) > 150  # the whole application, not an empty walk
    nobody = sorted(k for k, (aud, _) in table.items() if not aud)
    assert not nobody, f"routes whose router names no audience: {nobody}"
    mixed = sorted(k for k, (aud, _) in table.items() if "public" in aud and len(aud) > 1)
    assert not mixed, f"routes marked public and closed at once: {mixed}"
    opened = {k for k, (aud, _) in table.items() if aud == {"public"}}
    assert sorted(opened - PUBLIC.keys()) == [], "open routes missing from public_routes.py"
    assert sorted(PUBLIC.keys() - opened) == [], "listed as public but no longer open"


def test_every_unsafe_request_is_checked_against_forgery(app: FastAPI) -> None:
    unchecked = []
    for (method, path), (audiences, calls) in inventory(app).items():
        if method not in UNSAFE or audiences & {"box"} or (method, path) in SIGNED_FORMS:
            continue
        api = path.startswith("/api/")
        if api and "subscriber" not in audiences:
            continue  # bearer tokens: no ambient credential a forged page could reuse
        guards = HEADER_GUARDS if api else FORM_GUARDS
        if not calls & guards:
            unchecked.append((method, path))
    assert not unchecked, f"unsafe routes without an anti-forgery check: {sorted(unchecked)}"


def test_a_router_without_an_audience_is_caught(app: FastAPI) -> None:
    """The inventory itself can fail: a route added outside any closed router is named."""

    @app.get("/console/forgotten")
    def forgotten() -> dict[str, str]:
        return {"secret": "yes"}

    nobody = [k for k, (aud, _) in inventory(app).items() if not aud]
    assert nobody == [("GET", "/console/forgotten")]


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "00000000-0000-4000-8000-000000000001", path)


def test_every_closed_route_refuses_a_stranger(client: TestClient, app: FastAPI) -> None:
    """No cookie, no token: a page sends the stranger to a login, an API answers 401/403 in
    JSON, and nothing reaches a handler (which would answer 200, 404 or 422)."""
    let_through = []
    asked = 0
    for (method, path), (audiences, _) in sorted(inventory(app).items()):
        if "public" in audiences or path.startswith("/static"):
            continue
        answer = client.request(method, _concrete(path), follow_redirects=False)
        asked += 1
        if path.startswith("/api/"):
            refused = answer.status_code in (401, 403) and answer.json()["error"] in (
                "unauthenticated",
                "forbidden",
            )
        else:
            refused = answer.status_code in (303, 401, 403) and (
                answer.status_code != 303 or "/login" in answer.headers.get("location", "")
            )
        if not refused:
            let_through.append((method, path, answer.status_code))
    assert asked > 100
    assert not let_through, f"closed routes that answered a stranger: {let_through}"
