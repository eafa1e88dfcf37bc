from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from imbplus.settings import Settings
from tests.support.live import serve
from tests.support.smtp import SmtpServer


@pytest.fixture
def mail_server() -> Iterator[SmtpServer]:
    """A real SMTP server on loopback (aiosmtpd)."""
    with SmtpServer() as server:
        yield server


@pytest.fixture
def live(settings: Settings, tmp_path: Path) -> Iterator[str]:
    """`imbplus serve` on a free loopback port, on this test's database."""
    with serve(settings, tmp_path / "server.log") as base:
        yield base
