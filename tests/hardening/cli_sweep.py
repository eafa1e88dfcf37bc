"""Malformed invocations of every `imbplus` command, found by walking the command tree.

For each parameter that has a malformed form (a number outside its bounds, a bad date, a
missing file, a non-UUID id, a garbage month, a value given to a flag, ...) one invocation
carries it, first on the line, with a plausible value for every other required parameter,
so the command's own checks are reached, not only the parser's."""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from typer._click import Command, Parameter
from typer.main import get_command

from imbplus.cli import app

NOT_A_UUID = "6f1c2a4e-0000-4000-8000-00000000000"  # one digit short
A_UUID = "6f1c2a4e-0000-4000-8000-000000000000"
MISSING = "/nonexistent/imbplus-test/none"

# A value each required parameter accepts as such (the record it names may not exist).
PLAUSIBLE: dict[str, str] = {
    "serial": "SGM2611000123",
    "mac": "00:1A:2B:3C:4D:5E",
    "status": "done",
    "outcome": "answered",
    "note": "checked",
    "customer": A_UUID,
    "subject": A_UUID,
    "survey_id": A_UUID,
    "kind": "access",
    "lang": "pl",
    "effective": "2030-01-01",
    "processor_id": "acme-carrier",
    "name": "Acme Kurier",
    "contract": "C-1",
    "scope": "identity",
    "valid_from": "2026-01-01",
    "valid_until": "2027-01-01",
    "reason": "court order",
    "role": "support",
    "username": "nobody",
    "backup": "no-such-backup",
    "version": "1",
    "request_id": "1",
    "hold_id": "1",
    "incident_id": "1",
    "quasi": "age",
    "dataset": "customers",
    "to": "market-research-co",
    "recipient_id": "market-research-co",
    "agreement": "UDO-1",
    "year": "2026",
    "campaign_id": A_UUID,
    "subject_pl": "Nowy pakiet",
    "body_pl": "Mecze na żywo.",
    "subject_en": "A new package",
    "body_en": "Live matches.",
    "by": "dpo",
    "authority_id": "police",
    "reference": "RSD-1/26",
    "legal_basis": "art. 180a Prawo telekomunikacyjne",
    "received": "2026-12-01",
    "category": "identity",
}
PLAUSIBLE_IN: dict[str, dict[str, str]] = {  # where a name means something else
    "processors register": {"kind": "carrier", "scope": "shipment_record:shipment_contact"},
    "disclosures add-recipient": {"kind": "third_party"},
    "disclosures list": {"kind": "third_party"},
}
MALFORMED_IN: dict[str, dict[str, list[str]]] = {
    "retention hold add": {"subject": [NOT_A_UUID]},  # a customer id; elsewhere a free filter
}

# Text parameters and the malformed forms of what they hold; other text is free.
MALFORMED_TEXT: dict[str, list[str]] = {
    "serial": [A_UUID, "sgm 26"],
    "mac": ["00:1A:2B", "zz:zz:zz:zz:zz:zz"],
    "month": ["2024-13", "garbage"],
    "customer": [NOT_A_UUID],
    "survey_id": [NOT_A_UUID],
    "kind": ["maybe"],
    "status": ["maybe"],
    "channel": ["pigeon"],
    "role": ["boss"],
    "lang": ["xx"],
    "site": ["Not A Site!"],
    "scope": ["no-such-category"],
    "rule": ["no-such-rule"],
    "valid_from": ["2024-13-45"],
    "valid_until": ["2024-13-45"],
    "processor_id": ["Not An Id!"],
    "recipient_id": ["Not An Id!"],
    "dataset": ["invoices"],
    "since": ["2024-13-45"],
    "username": ["no such user"],
    "by": ["no such user"],
    "received": ["2024-13-45"],
    "category": ["no-such-category"],
    "backup": ["no-such-backup", "../../etc"],
    "campaign_id": [NOT_A_UUID],
    "has_box": ["maybe"],
    "region": ["atlantis"],
    "package": ["pkg-nope"],
    "subject_pl": ["a\nBcc: x"],
}


@dataclass(frozen=True)
class Invocation:
    command: str  # e.g. "devices token"
    param: str
    args: tuple[str, ...]

    def __str__(self) -> str:
        return " ".join(self.args)


def commands() -> Iterator[tuple[str, Command]]:
    """Every leaf command, with its path."""

    def walk(cmd: Command, path: tuple[str, ...]) -> Iterator[tuple[str, Command]]:
        children: dict[str, Command] | None = getattr(cmd, "commands", None)
        if children is None:
            yield " ".join(path), cmd
            return
        for name, child in sorted(children.items()):
            yield from walk(child, (*path, name))

    yield from walk(get_command(app), ())


def _inner(annotation: Any) -> Any:
    """The element type of `list[X]` and `X | None`."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (list, typing.Union, types.UnionType) and len(args) == 1:
        return _inner(args[0])
    return annotation


def malformed(command: str, param: Parameter, tmp: Path) -> list[str]:
    """The malformed values of `param`; empty when anything it takes is acceptable."""
    info = param.type_descriptor.parameter_info  # type: ignore[attr-defined]
    kind = _inner(param.type_descriptor.annotation)  # type: ignore[attr-defined]
    name = param.name or ""
    if getattr(param, "is_flag", False):
        return ["maybe"]  # a value given to a flag
    if kind in (int, float):
        low, high = getattr(param, "min", None), getattr(param, "max", None)
        return [
            "lots",
            str(low - 1 if low is not None else -(2**63) - 1),
            str(high + 1 if high is not None else 2**63),
        ]
    if kind in (date, datetime):
        return ["2024-13-45"]
    if kind is Path:
        return [MISSING] if info.exists else [str(tmp / "no-such-dir" / "out.json")]
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return ["no-such-value"]
    return MALFORMED_IN.get(command, {}).get(name) or MALFORMED_TEXT.get(name, [])


def _plausible(command: str, param: Parameter, tmp: Path) -> str:
    name = param.name or ""
    if name in PLAUSIBLE_IN.get(command, {}):
        return PLAUSIBLE_IN[command][name]
    kind = _inner(param.type_descriptor.annotation)  # type: ignore[attr-defined]
    if kind is Path:
        target = tmp / f"{name}.txt"
        target.write_text("# Polityka prywatności\n\nTreść.\n")
        return str(target)
    assert name in PLAUSIBLE, f"add a plausible value for required parameter {name!r}"
    return PLAUSIBLE[name]


def _line(param: Parameter, value: str) -> list[str]:
    if param.param_type_name == "argument":
        return [value]
    option = max(param.opts, key=len)  # the long form
    if getattr(param, "is_flag", False):
        return [f"{option}={value}"]
    return [option, value]


def _args(
    command: str, params: list[Parameter], target: Parameter, value: str, tmp: Path
) -> list[str]:
    """Positional arguments in their order, then the malformed option, then the others."""
    positional: list[str] = []
    options: list[str] = []
    for param in params:
        if param is target:
            chosen = value
        elif param.required:
            chosen = _plausible(command, param, tmp)
        else:
            continue
        line = _line(param, chosen)
        if param.param_type_name == "argument":
            positional += line
        elif param is target:
            options = line + options
        else:
            options += line
    return positional + options


def invocations(tmp: Path) -> Iterator[Invocation]:
    for path, cmd in commands():
        params = [p for p in cmd.params if p.name != "help"]
        for target in params:
            for value in malformed(path, target, tmp):
                args = _args(path, params, target, value, tmp)
                yield Invocation(path, target.name or "", (*path.split(), *args))
