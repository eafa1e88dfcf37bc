"""The `imbplus` command loads a group only when it is used (imbplus.cli.lazy)."""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer

from imbplus.cli import ENTRIES, app
from imbplus.cli.lazy import LazyCommands


def _first_paragraph(text: str) -> str:
    return " ".join(text.split("\n\n")[0].split())


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
def test_the_listed_line_is_the_loaded_commands_own(entry):  # type: ignore[no-untyped-def]
    loaded = entry.command()
    assert loaded.name == entry.name
    assert _first_paragraph(entry.help) == _first_paragraph(loaded.help or "")
    assert isinstance(loaded, typer.core.TyperGroup) == entry.group


def test_help_lists_every_command_and_imports_no_domain():  # type: ignore[no-untyped-def]
    probe = (
        "import sys\n"
        "from imbplus.cli import app\n"
        "try:\n"
        "    app(['--help'])\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code\n"
        "light = ('cli', 'errors', 'domains', 'plugin')  # and each domain's declaration\n"
        "domains = sorted(m for m in sys.modules if m.startswith('imbplus.')\n"
        "    and m.split('.')[1] not in light and not m.endswith('.plugin')\n"
        "    and m.count('.') > 1)  # a package itself holds no imports\n"
        "print('LOADED', domains)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    for entry in ENTRIES:
        assert f" {entry.name} " in done.stdout
    assert "LOADED []" in done.stdout, done.stdout.splitlines()[-1]


def test_a_group_runs_after_loading_and_a_typo_is_one_line():  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    ran = CliRunner().invoke(app, ["access", "--help"])
    assert ran.exit_code == 0 and "matrix" in ran.output
    typo = CliRunner().invoke(app, ["acess"])
    assert typo.exit_code == 2
    assert "No such command" in typo.output and "access" in typo.output


def test_the_mapping_loads_on_access_only():  # type: ignore[no-untyped-def]
    calls: list[str] = []

    def load() -> typer.Typer:
        calls.append("x")
        sub = typer.Typer()

        @sub.command("one")
        def _one() -> None:
            """One."""

        @sub.command("two")
        def _two() -> None:
            """Two."""

        return sub

    from imbplus.cli.lazy import Entry

    commands = LazyCommands({}, (Entry("x", "X.", load),))
    assert list(commands) == ["x"] and "x" in commands and len(commands) == 1
    assert calls == []
    assert commands.stub("x").help == "X."
    assert set(commands["x"].commands) == {"one", "two"}  # type: ignore[attr-defined]
    assert calls == ["x"]
    commands["x"]
    assert calls == ["x"]
