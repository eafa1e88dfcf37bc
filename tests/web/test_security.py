"""P12: security headers, body limits, trusted hosts, no stack traces."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from imbplus.runtime import Runtime
from tests.support.factories import api_headers, make_staff


def test_p12_security_headers_on_every_answer(client: TestClient) -> None:
    for path in ("/healthz", "/console/login", "/api/v1/customers", "/nope"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert headers["x-frame-options"] == "DENY"
        assert "strict-transport-security" not in headers  # plain HTTP here
        assert headers["x-request-id"]


def test_p12_hsts_and_secure_cookies_behind_tls(app: FastAPI) -> None:
    with TestClient(app, base_url="https://testserver") as tls:
        page = tls.get("/console/login")
    assert page.headers["strict-transport-security"].startswith("max-age=")
    assert "secure" in page.headers["set-cookie"].lower()


def test_oversized_body_is_413_and_writes_nothing(client: TestClient, rt: Runtime) -> None:
    _, token = make_staff(rt, "support")
    big = b'{"name": "' + b"a" * (rt.settings.max_body_bytes + 10) + b'"}'
    response = client.post(
        "/api/v1/customers",
        content=big,
        headers={**api_headers(token), "content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"


def test_unknown_host_is_refused(client: TestClient) -> None:
    assert client.get("/healthz", headers={"host": "evil.example"}).status_code == 400


def test_crash_gives_a_friendly_answer_without_a_trace(app: FastAPI) -> None:
    @app.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("internal detail: secret path /etc/x")

    with TestClient(app, raise_server_exceptions=False) as c:
        response = c.get("/api/v1/boom")
    assert response.status_code == 500
    assert response.json()["error"] == "internal_error"
    assert "secret path" not in response.text and "Traceback" not in response.text


def test_console_errors_are_pages(client: TestClient) -> None:
    page = client.get("/console/does-not-exist")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Nie znaleziono" in page.text
    english = client.get("/en/console/does-not-exist")
    assert english.status_code == 404 and "Not found" in english.text
