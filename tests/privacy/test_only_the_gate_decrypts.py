"""P03, P05, P11: plaintext comes out through the gate only.

Outside the privacy core (src/imbplus/privacy/) no module may call the keyring's decrypting
functions, touch its key material, or make a grant of its own: every value is revealed by
`Context.reveal*` or through a `Grant` that `Context.check` returned, so every decryption
follows a decision of the gate and its audit record.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from imbplus.privacy.crypto import Keyring

SRC = Path(__file__).resolve().parents[2] / "src" / "imbplus"
CORE = SRC / "privacy"
# the keyring's private decrypting functions and key material
PRIVATE = frozenset(
    {"_open_row", "_open_rows", "_material", "_unwrap", "_aead", "_aead_for", "_kek"}
)
# the names they had when they were public, called on a keyring
FORMER = frozenset({"open", "open_values", "open_many", "material"})


def _ends_in_keyring(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "keyring") or (
        isinstance(node, ast.Attribute) and node.attr == "keyring"
    )


def offences(source: str, name: str = "<module>") -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        where = f"{name}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Attribute):
            if node.attr in PRIVATE:
                found.append(f"{where} uses the keyring's private {node.attr}")
            elif node.attr in FORMER and _ends_in_keyring(node.value):
                found.append(f"{where} decrypts with keyring.{node.attr}")
            elif node.attr == "BY_GATE":
                found.append(f"{where} holds the gate's seal")
        elif isinstance(node, ast.Call):
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if called == "Grant":
                found.append(f"{where} makes a grant of its own")
        elif isinstance(node, ast.Name) and node.id == "BY_GATE":
            found.append(f"{where} holds the gate's seal")
        elif isinstance(node, ast.ImportFrom) and any(a.name == "BY_GATE" for a in node.names):
            found.append(f"{where} imports the gate's seal")
    return found


def _outside_core() -> list[Path]:
    return [p for p in sorted(SRC.rglob("*.py")) if CORE not in p.parents]


def test_p05_no_module_outside_the_privacy_core_decrypts() -> None:
    files = _outside_core()
    assert len(files) > 100  # the walk found the source tree
    found = [
        offence
        for path in files
        for offence in offences(path.read_text(), str(path.relative_to(SRC)))
    ]
    assert found == []


@pytest.mark.parametrize(
    "snippet",
    [
        "ctx.keyring.open_values(ctx.session, 'customers', row.id, cols, blobs)",
        "rt.keyring.open(session, 'staff', 'totp_secret_ct', '1', blob)",
        "keyring.open_many(session, 'customers', cols, items)",
        "ctx.keyring.material(ctx.session, key_id, 1)",
        "ctx.keyring._open_rows(ctx.session, 'customers', cols, items)",
        "ring = ctx.keyring\nring._material(s, 1, 1)",
        "Grant(ctx, Action.READ, cats, 'x', [None], issued_by=object())",
        "access.Grant(ctx, Action.READ, cats, 'x', [None], issued_by=reveal.BY_GATE)",
        "from imbplus.privacy.reveal import BY_GATE",
    ],
)
def test_the_check_catches_each_way_around_the_gate(snippet: str) -> None:
    assert offences(snippet)


def test_allowed_uses_are_not_mistaken_for_decryption() -> None:
    fine = (
        "path.open()\nctx.keyring.seal(s, k, 't', 'c', 'r', 'v')\n"
        "ctx.keyring.blind_index(s, 't', 'c', 'v')\nrt.keyring.master.material(1)\n"
        "ctx.reveal(Customer, row, cols, operation='x', subject=row.id)\n"
        "grant = ctx.check(Action.READ, cats, operation='x')\ngrant.reveal(Card, row, cols)\n"
        "def f(grant: reveal.Grant) -> None: ...\n"
    )
    assert offences(fine) == []


def test_the_keyring_has_no_public_way_to_plaintext() -> None:
    public = {name for name in dir(Keyring) if not name.startswith("_")}
    assert not public & FORMER
    assert {"seal", "blind_index", "derive", "check_unwrap"} <= public
