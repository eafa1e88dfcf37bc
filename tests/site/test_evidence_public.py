"""P15, P16, P24: the checks of what the site does for a stranger turn red on realistic
breaks, naming the page, version, column or audit record."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient
from sqlalchemy import text, update

from imbplus import plugin
from imbplus.demo.policy import load as load_policy
from imbplus.privacy.catalog import Action, Category, Purpose
from imbplus.runtime import Runtime
from imbplus.site import evidence as site_evidence
from imbplus.site import policy
from imbplus.site.models import PolicyVersion
from imbplus.web import cookies
from imbplus.web.guards import PUBLIC
from tests.site.test_feedback import send
from tests.support.evidence import check
from tests.support.factories import make_customer
from tests.support.tamper import drop_append_only

POLICY = "The policy in force is what the site serves, unchanged, in every language"
STRANGERS = "Public pages open to a stranger; portal and console pages ask for a login"
FEEDBACK = "Feedback is received as non-confidential and tied to no customer"


@pytest.fixture
def published(rt: Runtime) -> dict[str, int]:
    load_policy(rt)
    with rt.sessions() as s:
        return {lang: policy.current(s, rt.settings.site_id, lang).number for lang in ("pl", "en")}  # type: ignore[union-attr]


def test_p15_the_published_policy_passes(rt: Runtime, published: dict[str, int]) -> None:
    assert check(rt, POLICY)["status"] == "pass"


def test_p15_a_policy_text_changed_in_place_is_named(
    rt: Runtime, published: dict[str, int]
) -> None:
    """Someone with the database drops the guard and edits the text in force instead of
    publishing a new version."""
    drop_append_only(rt, "policy_versions")
    with rt.sessions() as s:
        s.execute(
            text("UPDATE policy_versions SET body = body || ' (zmienione)' WHERE lang = 'en'")
        )
        s.commit()
    result = check(rt, POLICY)
    assert result["status"] == "fail"
    assert f"en: the text of version {published['en']} differs" in result["detail"]


def test_p15_a_language_left_without_a_version_in_force_is_named(
    rt: Runtime, published: dict[str, int]
) -> None:
    drop_append_only(rt, "policy_versions")
    with rt.sessions() as s:
        later = policy.today() + timedelta(days=400)
        s.execute(
            update(PolicyVersion).where(PolicyVersion.lang == "en").values(effective_from=later)
        )
        s.commit()
    result = check(rt, POLICY)
    assert result["status"] == "fail" and "en: no version in force" in result["detail"]


def _with_extra_route(monkeypatch: pytest.MonkeyPatch, add: Any) -> None:
    made = plugin.app_factory()

    def create_app(**kwargs: Any) -> FastAPI:
        app = made(**kwargs)
        add(app)
        return app

    monkeypatch.setattr(plugin, "_app_factory", create_app)


def test_p16_the_application_as_built_passes(rt: Runtime) -> None:
    result = check(rt, STRANGERS)
    assert result["status"] == "pass"
    assert result["figures"]["public_pages"] >= 8 and result["figures"]["closed_pages"] >= 20


def test_p16_a_portal_page_added_without_an_audience_is_named(
    rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    def add(app: FastAPI) -> None:
        @app.get("/portal/everything")
        def everything() -> dict[str, str]:
            return {"all": "of it"}

    _with_extra_route(monkeypatch, add)
    result = check(rt, STRANGERS)
    assert result["status"] == "fail"
    assert (
        "/portal/everything names no audience and answered a stranger with 200"
        in (result["detail"])
    )


def test_p16_a_portal_router_marked_public_is_named(
    rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    def add(app: FastAPI) -> None:
        @app.get("/portal/invoices-all", dependencies=PUBLIC)
        def invoices() -> dict[str, str]:
            return {}

    _with_extra_route(monkeypatch, add)
    result = check(rt, STRANGERS)
    assert result["status"] == "fail"
    assert (
        "/portal/invoices-all is open to strangers although it is behind the login"
        in (result["detail"])
    )


def test_p24_nothing_sent_is_not_exercised(rt: Runtime) -> None:
    assert check(rt, FEEDBACK)["status"] == "not_exercised"


def test_p24_feedback_sent_through_the_site_passes(client: TestClient, rt: Runtime) -> None:
    assert send(client)[0] == 303
    assert check(rt, FEEDBACK)["status"] == "pass"


def test_p24_feedback_tied_to_a_customer_is_named(client: TestClient, rt: Runtime) -> None:
    """A code path that records a logged-in subscriber's comment against their record."""
    assert send(client)[0] == 303
    customer = make_customer(rt)
    with rt.job("site", Purpose.SERVICE_IMPROVEMENT) as ctx:
        ctx.check(
            Action.WRITE, {Category.FEEDBACK}, operation="feedback.receive", subjects=[customer.id]
        )
    result = check(rt, FEEDBACK)
    assert result["status"] == "fail" and "ties feedback to a customer" in result["detail"]


def test_p24_a_linking_column_added_to_feedback_is_named(client: TestClient, rt: Runtime) -> None:
    assert send(client)[0] == 303
    with rt.sessions() as s:
        s.execute(text("ALTER TABLE feedback ADD COLUMN customer_id VARCHAR(36)"))
        s.commit()
    result = check(rt, FEEDBACK)
    assert result["status"] == "fail"
    assert "the feedback table has a linking column customer_id" in result["detail"]


COOKIES = "Public pages set no cookie but necessary ones before consent"
LINKS = "External links are marked and open without referrer"
IN_FORCE = "A dated policy version is in force in every language"


def test_p18_a_statistics_cookie_set_before_consent_is_named(
    rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    statistics = next(c.name for c in cookies.REGISTER if c.category.value == "statistics")

    def add(app: FastAPI) -> None:
        @app.middleware("http")
        async def counter(request: Request, call_next: Any) -> Response:
            response: Response = await call_next(request)
            response.set_cookie(statistics, "1")
            return response

    _with_extra_route(monkeypatch, add)
    result = check(rt, COOKIES)
    assert (
        result["status"] == "fail" and f"set before consent: ['{statistics}']" in (result["detail"])
    )


def test_p17_a_page_with_an_unmarked_external_link_is_named(
    rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:

    def add(app: FastAPI) -> None:
        @app.get("/partners", dependencies=PUBLIC)
        def partners() -> HTMLResponse:
            return HTMLResponse('<a href="https://partner.example/">Partner</a>')

    _with_extra_route(monkeypatch, add)
    monkeypatch.setattr(site_evidence, "PUBLIC", (*site_evidence.PUBLIC, "/partners"))
    result = check(rt, LINKS)
    assert result["status"] == "fail" and "1 external links without noopener" in result["detail"]


def test_p22_a_language_without_a_version_in_force_is_named(
    rt: Runtime, published: dict[str, int]
) -> None:
    assert check(rt, IN_FORCE)["status"] == "pass"
    drop_append_only(rt, "policy_versions")
    with rt.sessions() as s:
        later = policy.today() + timedelta(days=30)
        s.execute(
            update(PolicyVersion).where(PolicyVersion.lang == "pl").values(effective_from=later)
        )
        s.commit()
    result = check(rt, IN_FORCE)
    assert result["status"] == "fail" and "no version in force for: ['pl']" in result["detail"]
