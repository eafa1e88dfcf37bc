"""Run the real `imbplus` command in a subprocess against a test's database."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from imbplus.clock import OFFSET_ENV, clock
from imbplus.settings import Settings


def env_for(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMBPLUS_")}
    env["IMBPLUS_DATA_DIR"] = str(settings.data_dir)
    if settings.database_url:
        env["IMBPLUS_DATABASE_URL"] = settings.database_url
    env["COLUMNS"] = "200"
    env[OFFSET_ENV] = repr(clock.time() - time.time())  # the child's "now" is the test's
    return env


def imbplus(
    settings: Settings,
    *args: str,
    input_text: str | None = None,
    timeout: float = 120,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "imbplus", *args],
        env={**env_for(settings), **(env or {})},
        text=True,
        capture_output=True,
        input=input_text,
        timeout=timeout,
        check=False,
    )
