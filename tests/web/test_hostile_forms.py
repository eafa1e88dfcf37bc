"""A standing guard: every HTML form of the site, the portal and the console, filled with
hostile values (markup, control characters, 10,000 characters, full-width letters, NUL).

The forms are found, not listed: every GET page without path parameters is opened as a
visitor, as a subscriber and as each staff role (with an allowed purpose), and every POST
form on it is sent, one hostile value in every field at a time. Whatever is sent: no 5xx,
the markup never comes back unescaped, and nothing with a NUL or another control character
is stored in a plain column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import String, Text, inspect, select

from imbplus.db import Base
from imbplus.models import load_all
from imbplus.runtime import Runtime
from tests.portal.test_pages import portal_login
from tests.support.console import choose, login
from tests.support.factories import make_staff, make_subscriber

MARKUP = '<script>alert("x")</script><img src=x onerror=alert(1)>'
HOSTILE = [
    MARKUP,
    "zero\x00byte\x07bell\x1b[31m",
    "Ż" * 10_000,
    "ａｎｎａ＠ｅｘａｍｐｌｅ．ｐｌ",  # full-width letters
    "",
]
TEXT_INPUTS = {"text", "email", "tel", "password", "search", "number", "date", "url", ""}
SKIP_ACTIONS = ("logout", "/login", "/totp", "/password")  # they end or change the session
ROLES = {
    "support": "service_delivery",
    "billing": "billing",
    "shipping": "shipment_contact",
    "marketing": "marketing",
    "analyst": "market_research",
    "dpo": "data_subject_request",
}


@dataclass
class Form:
    action: str
    fields: dict[str, str] = field(default_factory=dict)  # name -> value as served
    text: list[str] = field(default_factory=list)  # names a person types into


class Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._current: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._current = Form(a.get("action", ""))
        elif self._current is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                self._current.fields.setdefault(a["name"], a.get("value", "on"))
                return
            self._current.fields[a["name"]] = a.get("value", "")
            if kind in TEXT_INPUTS:
                self._current.text.append(a["name"])
        elif tag == "textarea" and a.get("name"):
            self._current.fields[a["name"]] = ""
            self._current.text.append(a["name"])
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select and self._select not in self._current.fields:
            self._current.fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._current is not None:
            self.forms.append(self._current)
            self._current = None
        elif tag == "select":
            self._select = None


def _routes(routes: list[Any]) -> list[APIRoute]:
    """Every route, through included routers (kept as routers of their own by FastAPI)."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found += _routes(route.original_router.routes)
    return found


def _pages(app: FastAPI) -> list[str]:
    return sorted(
        {
            route.path
            for route in _routes(app.routes)
            if "GET" in route.methods
            and "{" not in route.path
            and not route.path.startswith(("/api/", "/healthz"))
        }
    )


def _send_hostile(client: TestClient, page: str, problems: list[str]) -> int:
    served = client.get(page)
    if served.status_code != 200 or "text/html" not in served.headers.get("content-type", ""):
        return 0
    parser = Forms()
    parser.feed(served.text)
    sent = 0
    for form in parser.forms:
        action = form.action or page
        if not action.startswith("/") or any(s in action for s in SKIP_ACTIONS):
            continue
        for value in HOSTILE:
            data = dict(form.fields) | dict.fromkeys(form.text, value)
            answer = client.post(action, data=data, follow_redirects=False)
            sent += 1
            if answer.status_code >= 500:
                problems.append(f"{page} -> POST {action}: {answer.status_code}")
            elif MARKUP in answer.text:
                problems.append(f"{page} -> POST {action}: markup echoed unescaped")
    return sent


def _plain_values_with_controls(rt: Runtime) -> list[str]:
    load_all()
    found = []
    existing = set(inspect(rt.engine).get_table_names())
    with rt.sessions() as s:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text)]
            if not columns or table.name not in existing:
                continue
            for column in columns:
                for value in s.execute(select(column)).scalars():
                    if value and any(c in value for c in "\x00\x07\x1b"):
                        found.append(f"{table.name}.{column.name}: {value[:40]!r}")
    return found


def test_every_form_survives_hostile_values(app: FastAPI, rt: Runtime) -> None:
    pages = _pages(app)
    assert len(pages) >= 25
    problems: list[str] = []
    sent = 0
    with TestClient(app, raise_server_exceptions=False) as visitor:
        sent += sum(_send_hostile(visitor, p, problems) for p in pages if "/console" not in p)
    subscriber = make_subscriber(rt)
    with TestClient(app, raise_server_exceptions=False) as client:
        assert portal_login(client, subscriber.email).status_code == 303
        sent += sum(_send_hostile(client, p, problems) for p in pages if p.startswith("/portal"))
    for role, purpose in ROLES.items():
        staff, _ = make_staff(rt, role)
        with TestClient(app, raise_server_exceptions=False) as client:
            login(client, staff.username)
            choose(client, purpose)
            console = [p for p in pages if p.startswith("/console")]
            sent += sum(_send_hostile(client, p, problems) for p in console)
    assert sent >= 100  # the crawl found the forms: not a pass that looked at nothing
    assert problems == [], "\n".join(sorted(set(problems))[:25])
    assert _plain_values_with_controls(rt) == []
