"""Every `imbplus` command that README.md and docs/*.md quote exists, with the options they
give it: each is parsed by the real command line (nothing is run), so a renamed command or
option, or one that never existed, fails here instead of in front of a reader."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer._click import Command, Context
from typer._click.exceptions import BadParameter, MissingParameter, UsageError
from typer.core import TyperGroup
from typer.main import get_command

from imbplus.cli import app

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
QUOTED = re.compile(r"(?:\.venv/bin/)?\bimbplus((?: +[^\s`|#;&<>)]+)*)")


def _commands() -> list[tuple[str, str]]:
    found: dict[str, str] = {}
    for doc in DOCS:
        text = re.sub(r"\\\n\s*", " ", doc.read_text())  # continued lines are one command
        prose = re.sub(r"```.*?```", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=re.S)
        spans = [(m.start(), m.group(1)) for m in re.finditer(r"`([^`]+)`", prose)]
        lines = r"(?m)^\s*(?:\$ )?(?:\.venv/bin/)?imbplus .*$"  # command lines of code blocks
        spans += [(m.start(), m.group(0)) for m in re.finditer(lines, text)]
        for at, span in spans:
            flat = " ".join(span.split()).replace("[", "").replace("]", "")  # [--opt]: optional
            for match in QUOTED.finditer(flat):
                words = match.group(1).strip()
                if words and words.split()[0][0].isalpha():
                    line = text.count("\n", 0, at) + 1
                    found.setdefault(f"imbplus {words}", f"{doc.name}:{line}")
    return sorted(found.items())


def _parse(words: list[str]) -> str | None:
    """None when the words make a command the CLI knows with options it takes."""
    command: Command = get_command(app)
    ctx = Context(command, info_name="imbplus", resilient_parsing=True)
    path = ["imbplus"]
    while isinstance(command, TyperGroup) and words and not words[0].startswith("-"):
        sub = command.get_command(ctx, words[0])
        if sub is None:
            return f"no command '{' '.join([*path, words[0]])}'"
        path.append(words.pop(0))
        command = sub
        ctx = Context(command, info_name=path[-1], parent=ctx, resilient_parsing=True)
    ctx = Context(command, info_name=path[-1], parent=ctx.parent)
    try:
        command.parse_args(ctx, [w for w in words if w != "--help"])
    except (BadParameter, MissingParameter):
        return None  # a placeholder (FILE, YYYY-MM) or a value left out of the prose
    except UsageError as exc:  # an option or argument the command does not take
        return f"{' '.join(path)}: {exc.format_message()}"
    return None


COMMANDS = _commands()


def test_the_docs_quote_commands() -> None:
    assert len(COMMANDS) >= 40


@pytest.mark.parametrize(("command", "where"), COMMANDS, ids=[c for c, _ in COMMANDS])
def test_a_quoted_command_exists_with_its_options(command: str, where: str) -> None:
    problem = _parse(shlex.split(command, posix=True)[1:])
    assert problem is None, f"{where}: {problem}"
