"""Every `imbplus` command answers a malformed argument with one clear line on stderr and
exit code 2: no traceback, whatever the command and wherever the problem is found."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from imbplus.cli import app
from imbplus.settings import Settings
from tests.hardening.cli_sweep import A_UUID, commands, invocations
from tests.support.cli import imbplus


def _env(settings: Settings) -> dict[str, str | None]:
    env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("IMBPLUS_")}
    env["IMBPLUS_DATA_DIR"] = str(settings.data_dir)
    env["IMBPLUS_DATABASE_URL"] = settings.database_url
    return env


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A malformed argument must never get as far as serving."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a malformed invocation reached the server")

    monkeypatch.setattr("imbplus.cli.serve.run_server", refuse)
    monkeypatch.setattr("imbplus.cli.demo.run_server", refuse)
    yield


def test_every_command_answers_a_malformed_argument_with_one_line_and_exit_2(
    settings: Settings, tmp_path: Path, no_server: None
) -> None:
    runner = CliRunner(env=_env(settings))
    failures: list[str] = []
    tried: set[str] = set()
    for n, invocation in enumerate(invocations(tmp_path)):
        tried.add(invocation.command)
        result = runner.invoke(app, list(invocation.args))
        if n % 10 == 9:
            gc.collect()  # the engines of finished runs close their connections
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        if (
            result.exit_code != 2
            or len(lines) != 1
            or not lines[0].startswith("error: ")
            or "Traceback" in result.output
        ):
            failures.append(f"{invocation} -> exit {result.exit_code}: {result.stderr[-300:]!r}")
    assert not failures, "\n".join(failures)
    with_params = {path for path, cmd in commands() if [p for p in cmd.params if p.name != "help"]}
    assert with_params <= tried, f"commands with nothing malformed: {with_params - tried}"


def test_a_bug_is_not_passed_off_as_a_users_mistake(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("imbplus.cli.access.Gate", broken)
    result = CliRunner(env=_env(settings)).invoke(app, ["access", "matrix"])
    assert result.exit_code == 1 and isinstance(result.exception, RuntimeError)
    assert "error:" not in result.stderr


def test_the_installed_command_answers_a_uuid_for_a_serial_in_one_line(settings: Settings) -> None:
    result = imbplus(settings, "devices", "token", A_UUID)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and "serial" in line
    assert A_UUID not in line and "Traceback" not in result.stderr
