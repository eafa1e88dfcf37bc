"""A real server (`imbplus serve` on a free loopback port) and Debian's Chromium driving it.

One server per test module, on its own database cloned from the template; a real SMTP
server receives its mail. Tests use the same database from this process for factories.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from imbplus.runtime import Runtime
from imbplus.settings import Settings
from tests.support import databases
from tests.support.cli import env_for
from tests.support.smtp import Mailbox, SmtpServer, free_port

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not CHROMIUM.exists():
        skip = pytest.mark.skip(reason="Debian's Chromium (/usr/bin/chromium) is not installed")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)


@dataclass
class Live:
    url: str
    rt: Runtime
    mailbox: Mailbox


@pytest.fixture(scope="module")
def live(template: databases.Template, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    settings: Settings = databases.fresh_settings(template, tmp_path_factory.mktemp("live"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with SmtpServer() as smtp:
        settings.smtp_port = smtp.port
        settings.public_base_url = url
        env = {
            **env_for(settings),
            "IMBPLUS_SMTP_PORT": str(smtp.port),
            "IMBPLUS_PUBLIC_BASE_URL": url,
            "IMBPLUS_REQUEST_LOG_FLUSH_SECONDS": "0.3",
        }
        log = (tmp_path_factory.getbasetemp() / f"serve-{port}.log").open("w")
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "imbplus", "serve", "--allow-sandbox"),
                *("--host", "127.0.0.1", "--port", str(port)),
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        rt = Runtime(settings)
        try:
            _wait_until_up(url, server)
            yield Live(url, rt, smtp.mailbox)
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()
            rt.dispose()
            databases.drop(settings)


def _wait_until_up(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"imbplus serve exited with {server.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("imbplus serve did not come up within 60 s")


@pytest.fixture(scope="session")
def browser(chromium: object) -> object:
    return chromium


@pytest.fixture
def context(browser: object) -> Iterator[object]:
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    ctx = browser.new_context(locale="pl-PL", viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(20_000)
    yield ctx
    ctx.close()
