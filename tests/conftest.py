from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from imbplus.app import create_app
from imbplus.clock import clock
from imbplus.runtime import Runtime
from imbplus.settings import Settings
from tests.support import databases
from tests.support.clocks import FIXED_NOW
from tests.support.smtp import Mailbox, SmtpServer

ARTIFACTS = Path(__file__).parent / "artifacts"


def pytest_report_header() -> str:
    return f"imbplus test backend: {databases.BACKEND}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if databases.BACKEND == "postgres" and not databases.POSTGRES_URL:
        skip = pytest.mark.skip(reason="IMBPLUS_TEST_POSTGRES_URL is not set: no PostgreSQL server")
        for item in items:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[databases.Template]:
    tpl = databases.build_template(tmp_path_factory.mktemp("imbplus"))
    yield tpl
    databases.drop_template(tpl)


def pytest_configure(config: pytest.Config) -> None:
    # The run's clock starts at noon UTC of a fixed mid-month day, whatever the time of day
    # the suite runs at, and ticks from there; servers and commands the tests start inherit
    # it (tests/support/cli.py). `clock.reset()` comes back to this course.
    clock.start_at(FIXED_NOW)


@pytest.fixture(autouse=True)
def _reset_clock() -> Iterator[None]:
    clock.reset()
    yield
    clock.reset()


@pytest.fixture(autouse=True)
def _own_environment() -> Iterator[None]:
    """What a test sets in IMBPLUS_* variables (the demo's sandbox and e-mail choices are
    made that way, for the server it starts) does not reach the tests after it."""
    before = {k: v for k, v in os.environ.items() if k.startswith("IMBPLUS_")}
    yield
    for name in [k for k in os.environ if k.startswith("IMBPLUS_") and k not in before]:
        del os.environ[name]
    os.environ.update(before)


@pytest.fixture
def settings(template: databases.Template, tmp_path: Path) -> Iterator[Settings]:
    s = databases.fresh_settings(template, tmp_path / "data")
    yield s
    databases.drop(s)


@pytest.fixture
def rt(settings: Settings) -> Iterator[Runtime]:
    runtime = Runtime(settings)
    yield runtime
    runtime.dispose()


@pytest.fixture
def app(rt: Runtime) -> FastAPI:
    return create_app(runtime=rt)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def smtp(settings: Settings) -> Iterator[Mailbox]:
    """A real SMTP server on loopback; the runtime's mail settings point at it."""
    with SmtpServer() as server:
        settings.smtp_port = server.port
        settings.public_base_url = "http://testserver"
        yield server.mailbox


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """One Debian Chromium for the whole run (Playwright's sync API allows one driver)."""
    from playwright.sync_api import sync_playwright

    from tests.support.live import CHROMIUM, CHROMIUM_ARGS, require_chromium

    require_chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
