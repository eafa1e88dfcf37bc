"""How the `imbplus` command answers what its user got wrong: one line on stderr, exit 2.

A bad argument (a usage error of the parser), input a service refuses (`DomainError`, a
pydantic `ValidationError`) and a file that cannot be read or written are the user's to fix:
they get one line that names the problem, never a traceback and never the value itself.
Anything else is a bug and keeps its traceback (exit 1).

The handling sits in the top-level group's `main`, so it covers every command, present and
future, whether run from the shell or in-process by a test runner.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import typer
from pydantic import ValidationError
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
from typer.core import TyperGroup

from imbplus.errors import DomainError

USAGE = 2
_FILE_ERRORS = (
    FileNotFoundError,
    FileExistsError,
    IsADirectoryError,
    NotADirectoryError,
    PermissionError,
)


def fail(message: str) -> int:
    """Print `message` as the one error line; the exit code for a user's mistake."""
    text = " ".join(message.split())  # one line, whatever the message held
    typer.echo(f"{typer.style('error:', fg='red')} {text}", err=True)
    return USAGE


def domain_message(exc: DomainError) -> str:
    problems = "; ".join(f"{p['field']}: {p['problem']}" for p in exc.details.get("fields", []))
    if problems:
        return f"{exc.message} ({problems})"
    details = ", ".join(f"{k}={v}" for k, v in exc.details.items() if k != "fields")
    return f"{exc.message} [{details}]" if details else exc.message


def validation_message(exc: ValidationError) -> str:
    """Each refused field and its rule; pydantic's text would echo the value."""
    from imbplus.web.errors import validation_problems

    problems = validation_problems(exc.errors(include_input=False, include_url=False))
    return "invalid value: " + "; ".join(f"{p['field']}: {p['problem']}" for p in problems)


def usage_message(exc: ClickException) -> str:
    ctx = getattr(exc, "ctx", None)
    hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
    message = exc.format_message().replace("Value error, ", "")  # pydantic's prefix
    return message.rstrip(".") + hint


def answer(exc: BaseException) -> int | None:
    """The exit code after printing the one line for a user's mistake; None for a bug."""
    if isinstance(exc, NoArgsIsHelpError):
        return exc.exit_code  # the help was printed already
    if isinstance(exc, ClickException):
        fail(usage_message(exc))
        return USAGE if isinstance(exc, UsageError) else exc.exit_code
    if isinstance(exc, DomainError):
        return fail(domain_message(exc))
    if isinstance(exc, ValidationError):
        return fail(validation_message(exc))
    if isinstance(exc, _FILE_ERRORS) and exc.filename is not None:
        return fail(f"{exc.filename}: {exc.strerror or 'cannot be used'}")
    return None


class CommandLine(TyperGroup):
    """The top-level group; its `main` turns a user's mistake into one line and exit 2."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            result = super().main(
                args, prog_name, complete_var, False, windows_expand_args, **extra
            )
            code = result if isinstance(result, int) else 0
        except typer.Abort:
            typer.echo("Aborted!", err=True)
            code = 1
        except Exception as exc:
            answered = answer(exc)
            if answered is None:
                raise
            code = answered
        if standalone_mode:
            sys.exit(code)
        return code
