"""The shape of the code (issue: one way to plaintext, a core that depends on nothing):
the layers hold, no package cycle grows, modules and functions stay small. Read from the
source by `tests/support/imports.py`; the picture in docs/development.md is regenerated from
the same graph and must match it."""

from __future__ import annotations

import ast

import pytest

from imbplus import domains
from tests.support import imports

FOUNDATION = set(imports.LAYERS[0][1])
LONG_MODULES = {
    # one pydantic field per setting, each with its description: the settings reference
    "settings.py": "one field per setting with its description (the operator's reference)",
}
MAX_MODULE_LINES, MAX_FUNCTION_LINES = 400, 60
# Packages in import cycles (a ratchet: this list may only shrink; it is empty, and no
# package may join a cycle again).
KNOWN_IN_CYCLES: set[str] = set()


def _imports_of_package(package: str) -> list[imports.Edge]:
    return [e for e in imports.edges() if e.packages[0] == package]


@pytest.mark.parametrize(
    ("package", "allowed"),
    [
        ("privacy", FOUNDATION | {"privacy"}),
        ("runtime", FOUNDATION | {"privacy", "runtime"}),
        ("plugin", FOUNDATION),
        ("settings", FOUNDATION),
    ],
)
def test_the_lower_layers_import_nothing_above_them(package: str, allowed: set[str]) -> None:
    above = [
        f"{e.source} -> {e.target}"
        for e in _imports_of_package(package)
        if e.packages[1] not in allowed
    ]
    assert above == []


def test_no_domain_imports_what_assembles_it_or_the_compliance_features() -> None:
    assembly = {"cli", "demo", "bootstrap", "models", "domains", "__main__"}
    bad = []
    for domain in domains.ALL:
        forbidden = assembly | ({"compliance"} if domain.name != "compliance" else set())
        bad += [
            f"{e.source} -> {e.target}"
            for e in _imports_of_package(domain.name)
            if e.packages[1] in forbidden
        ]
    assert bad == []


def test_no_new_package_joins_an_import_cycle() -> None:
    in_cycles = set().union(*imports.cycles(imports.package_graph()))
    assert in_cycles <= KNOWN_IN_CYCLES, sorted(in_cycles - KNOWN_IN_CYCLES)
    assert not in_cycles & (FOUNDATION | {"privacy", "runtime", "auth", "compliance", "app"})


def test_modules_stay_under_400_lines_and_functions_under_60() -> None:
    long_modules, long_functions = [], []
    for name, path in imports.modules():
        relative = str(path.relative_to(imports.PACKAGE))
        lines = len(path.read_text().splitlines())
        if lines > MAX_MODULE_LINES and relative not in LONG_MODULES:
            long_modules.append(f"{relative}: {lines}")
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long_functions.append(f"{name}.{node.name}: {length}")
    assert long_modules == []
    assert long_functions == []


def test_the_layer_picture_in_the_docs_is_the_graph_as_it_is() -> None:
    assert imports.documented() == imports.picture(), (
        "regenerate it: python -m tests.support.imports --write"
    )
