"""Domains plug themselves in (imbplus.plugin): whatever a module registers, a plugin names.

A module that registers a retention rule, an evidence check, an erasure or export hook, a
reminder, an outbox suppression or a table, but that no domain's plugin names, would be
silently left out (a rule never applied, a check never run). The test loads every plugin's
parts in a fresh interpreter, then imports every module of the package, and asserts that
the second step registered nothing new.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import imbplus
from imbplus import domains
from imbplus.plugin import PARTS

PACKAGE = Path(imbplus.__file__).parent

PROBE = """
import importlib, json, pkgutil, sys
import imbplus
from imbplus import domains
from imbplus.db import Base
from imbplus.notify import outbox
from imbplus.portal import reminders
from imbplus.privacy import checks, erasure, exports, retention_rules

def snapshot():
    return {
        "tables": sorted(Base.metadata.tables),
        "retention": sorted(retention_rules._RULES),
        "evidence": sorted(f"{c.clause} {c.title}" for c in checks._CHECKS),
        "erasure": sorted(erasure._HOOKS),
        "exports": sorted(exports._EXPORTS),
        "reminders": sorted(reminders._PROVIDERS) + sorted(reminders._INVITATIONS),
        "suppressions": sorted(outbox._SUPPRESSIONS),
    }

for part in PARTS:
    domains.load(part)
plugged = snapshot()
for info in pkgutil.walk_packages(imbplus.__path__, "imbplus."):
    if ".migrations" not in info.name and not info.name.endswith("__main__"):
        importlib.import_module(info.name)
print(json.dumps({"plugged": plugged, "everything": snapshot()}))
""".replace("PARTS", repr(PARTS))


def test_every_registration_is_named_by_a_plugin() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    for part, names in seen["everything"].items():
        missing = sorted(set(names) - set(seen["plugged"][part]))
        assert not missing, f"{part} registered by a module no plugin names: {missing}"
        assert seen["plugged"][part], f"no domain plugs in any {part}"


def test_every_domain_package_is_listed_once() -> None:
    names = [d.name for d in domains.ALL]
    assert len(names) == len(set(names))
    with_plugin = sorted(p.parent.name for p in PACKAGE.glob("*/plugin.py"))
    assert sorted(names) == with_plugin
    for domain in domains.ALL:
        module = PACKAGE / domain.name / "plugin.py"
        assert f'"{domain.name}"' in module.read_text()


def test_no_module_is_imported_by_a_string() -> None:
    """Plugins use plain imports, so mypy and the import graph see every dependency."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module":
                found.append(str(path.relative_to(PACKAGE)))
    assert found == []


def test_an_unknown_part_is_refused() -> None:
    import pytest

    with pytest.raises(ValueError, match="unknown part"):
        domains.load("routes")
