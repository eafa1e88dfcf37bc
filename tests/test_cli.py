"""The command line as an operator uses it."""

from __future__ import annotations

import os

from sqlalchemy import text

from imbplus.runtime import Runtime
from imbplus.settings import Settings
from tests.support.cli import imbplus
from tests.support.factories import make_customer


def test_init_is_idempotent(settings: Settings) -> None:
    first = imbplus(settings, "init")
    second = imbplus(settings, "init")
    assert first.returncode == 0 and second.returncode == 0, first.stderr
    assert "up to date" in second.stdout and "kept" in second.stdout


def test_p12_commands_refuse_a_key_file_readable_by_others(settings: Settings) -> None:
    os.chmod(settings.key_file, 0o640)
    result = imbplus(settings, "audit", "verify")
    assert result.returncode == 2
    assert "chmod 600" in result.stderr
    assert "Traceback" not in result.stderr


def test_staff_add_prints_the_token_alone_on_the_last_line(settings: Settings, rt: Runtime) -> None:
    result = imbplus(
        settings,
        "staff",
        "add",
        "--name",
        "Ewa Zielińska",
        "--role",
        "support",
        "--role",
        "billing",
    )
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip().splitlines()[-1]
    assert token.startswith("imbst_") and " " not in token and len(token) > 40
    with rt.engine.connect() as conn:
        stored = conn.execute(text("SELECT token_hash FROM api_tokens")).scalars().all()
    assert token not in stored and len(stored) == 1  # only the hash is kept
    listing = imbplus(settings, "staff", "list")
    assert "ewa.zielinska" in listing.stdout and "billing, support" in listing.stdout


def test_staff_add_with_an_unknown_role_is_refused(settings: Settings) -> None:
    result = imbplus(settings, "staff", "add", "--name", "X Y", "--role", "boss")
    assert result.returncode == 2
    assert "unknown role" in result.stderr and "support" in result.stderr


def test_p11_audit_verify_passes_then_fails_after_an_edit(settings: Settings, rt: Runtime) -> None:
    for _ in range(3):
        make_customer(rt)
    ok = imbplus(settings, "audit", "verify", "-q")
    assert ok.returncode == 0 and "intact" in ok.stdout
    with rt.engine.begin() as conn:
        if rt.engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("UPDATE audit_log SET actor_role='dpo' WHERE seq=2"))
    broken = imbplus(settings, "audit", "verify", "-q")
    assert broken.returncode == 1
    assert "record 2" in broken.stdout


def test_catalog_and_access_matrix_print(settings: Settings) -> None:
    catalog = imbplus(settings, "catalog")
    assert catalog.returncode == 0
    assert "shipment_contact" in catalog.stdout and "email_ct" in catalog.stdout
    matrix = imbplus(settings, "access", "matrix", "--role", "dpo")
    assert matrix.returncode == 0 and "data_subject_request" in matrix.stdout
    assert "support" not in matrix.stdout


def test_keys_rotate_and_status(settings: Settings, rt: Runtime) -> None:
    make_customer(rt)
    result = imbplus(settings, "keys", "rotate")
    assert result.returncode == 0, result.stderr
    assert "finished" in result.stdout and "old versions destroyed" in result.stdout
    assert "customer/active" in imbplus(settings, "keys", "status").stdout
