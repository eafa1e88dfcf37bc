"""Command groups loaded when they are used, so that `imbplus --help` and a light command
import only what they need (a group's module imports its domain, and the domains together
take seconds to import).

Each entry names a command or group, the one line `--help` shows for it, and a function
that imports its module (a plain import, visible to mypy and to the import graph). The
top-level group lists the entries without loading them, and loads one when it is run or
its own help is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass
from typing import Any, ClassVar

import typer
from typer._click import Command, Context, HelpFormatter
from typer.core import TyperCommand

from imbplus.cli.errors import CommandLine


@dataclass(frozen=True)
class Entry:
    name: str
    help: str  # the line `imbplus --help` shows; a test keeps it equal to the loaded one
    load: Callable[[], typer.Typer]  # the group, or a Typer holding the one command
    group: bool = True

    def command(self) -> Command:
        loaded = typer.main.get_group(self.load())
        if not self.group:
            return loaded.commands[self.name]  # a top-level command, not a group
        loaded.name = self.name
        return loaded


def single(register: Callable[[typer.Typer], None]) -> typer.Typer:
    """A Typer holding what a `register(app)` module adds to the top level."""
    holder = typer.Typer()
    register(holder)
    return holder


class LazyCommands(MutableMapping[str, Command]):
    """The top-level commands: entries load on first access, in the order declared."""

    def __init__(self, eager: MutableMapping[str, Command], entries: tuple[Entry, ...]):
        self._loaded: dict[str, Command] = dict(eager)
        self._entries = {e.name: e for e in entries}

    def loaded(self, name: str) -> bool:
        return name in self._loaded or name not in self._entries

    def __contains__(self, name: object) -> bool:
        return name in self._loaded or name in self._entries

    def __getitem__(self, name: str) -> Command:
        if name not in self._loaded:
            self._loaded[name] = self._entries[name].command()
        return self._loaded[name]

    def __setitem__(self, name: str, command: Command) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        self._loaded.pop(name, None)
        self._entries.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        yield from self._loaded
        yield from (n for n in self._entries if n not in self._loaded)

    def __len__(self) -> int:
        return len(set(self._loaded) | set(self._entries))

    def stub(self, name: str) -> Command:
        """What the top-level help shows for an entry not loaded: its name and line."""
        return TyperCommand(name=name, help=self._entries[name].help)


class LazyCommandLine(CommandLine):
    """The top-level group over `entries`; its help lists them without importing them."""

    entries: ClassVar[tuple[Entry, ...]] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = LazyCommands(self.commands, self.entries)
        self._listing = False

    def list_commands(self, ctx: Context) -> list[str]:
        return list(self.commands)  # the names only: nothing is loaded

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        commands = self.commands
        assert isinstance(commands, LazyCommands)
        if cmd_name not in commands:
            return None
        if self._listing and not commands.loaded(cmd_name):
            return commands.stub(cmd_name)
        return commands[cmd_name]

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False
