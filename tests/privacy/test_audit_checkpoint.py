"""P11: the audit checkpoint is signed with a key kept beside the master key; a missing,
damaged or re-written checkpoint fails verification with a clear message, while requests
keep working and an incident is opened."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from imbplus.privacy import audit
from imbplus.privacy.incident_models import Incident
from imbplus.runtime import Runtime
from imbplus.settings import Settings
from tests.privacy.test_audit import _delete_newest, _drop_guards, _fill, _verify
from tests.support.cli import imbplus
from tests.support.factories import api_headers, make_customer, make_staff


def _rehash_all(rt: Runtime, purpose: str) -> tuple[int, str]:
    """What the database's owner could do: rewrite every record and the head."""
    _drop_guards(rt)
    with rt.sessions() as s:
        rows = s.execute(text("SELECT * FROM audit_log ORDER BY seq")).mappings().all()
        prev = audit.GENESIS
        for row in rows:
            data = dict(row) | {"purpose": purpose}
            digest = audit.chain_hash(prev, data["seq"], data)
            s.execute(
                text("UPDATE audit_log SET purpose=:p, prev_hash=:ph, hash=:h WHERE seq=:s"),
                {"p": purpose, "ph": prev, "h": digest, "s": data["seq"]},
            )
            prev = digest
        s.execute(text("UPDATE audit_head SET hash=:h"), {"h": prev})
        s.commit()
        return len(rows), prev


def test_p11_deleting_the_newest_records_and_the_checkpoint_is_detected(rt: Runtime) -> None:
    _fill(rt, 5)
    _delete_newest(rt, keep=_verify(rt).head_seq - 2)
    rt.checkpoint.path.unlink()
    result = _verify(rt)
    assert not result.ok and "checkpoint file audit.head is missing" in (result.problem or "")


def test_p11_an_emptied_log_without_its_checkpoint_is_not_intact(rt: Runtime) -> None:
    _fill(rt, 3)
    _drop_guards(rt)
    with rt.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))
        conn.execute(text("UPDATE audit_head SET seq=0, hash=:h"), {"h": audit.GENESIS})
    rt.checkpoint.path.unlink()
    result = _verify(rt)
    assert not result.ok and result.records == 0 and "missing" in (result.problem or "")


def test_p11_rewriting_every_record_and_the_head_without_the_key_is_detected(
    rt: Runtime,
) -> None:
    _fill(rt, 4)
    seq, digest = _rehash_all(rt, "marketing")
    result = _verify(rt)
    assert not result.ok and result.first_bad_seq == 1 and "altered" in (result.problem or "")
    # nor does a checkpoint naming the forged head help, unsigned or signed with another key
    rt.checkpoint.path.write_text(json.dumps({"seq": seq, "hash": digest}))
    assert "not signed" in (_verify(rt).problem or "")


def test_p11_a_checkpoint_signed_with_another_key_is_detected(rt: Runtime) -> None:
    _fill(rt, 3)
    seq, digest = rt.checkpoint.read()
    forged_key = rt.checkpoint.path.with_name("forged.key")
    audit.create_signing_key(forged_key)
    audit.Checkpoint(rt.checkpoint.path, forged_key).anchor(seq, digest, keyed_from=1)
    result = _verify(rt)
    assert not result.ok and "signature does not match" in (result.problem or "")


def test_p11_records_appended_by_hand_are_caught_even_with_the_head_moved(rt: Runtime) -> None:
    """Forging a record needs the key, not only write access to the tables."""
    _fill(rt, 2)
    with rt.sessions() as s:
        entry = audit.Entry("staff", "1", "dpo", "security", "", None, "forged", "done", None, "x")
        audit.append(s, [entry], None)  # as a database owner could: plain SHA-256
        s.commit()
    result = _verify(rt)
    assert not result.ok and "altered" in (result.problem or "")


def test_p11_a_corrupt_checkpoint_fails_verify_but_requests_keep_working(
    client: TestClient, rt: Runtime, settings: Settings
) -> None:
    _, token = make_staff(rt, "support")
    customer = make_customer(rt)
    rt.checkpoint.path.write_text("{not json")
    before = _verify(rt)
    answer = client.get(f"/api/v1/customers/{customer.id}", headers=api_headers(token))
    assert answer.status_code == 200  # audited, and answered
    after = _verify(rt)
    assert not after.ok and "unreadable" in (after.problem or "")
    assert after.head_seq > before.head_seq  # its audit records were committed
    assert rt.checkpoint.path.read_text() == "{not json"  # the evidence is left alone
    with rt.sessions() as s:
        kinds = s.execute(select(Incident.kind, Incident.summary)).all()
    assert any(k == "audit_broken" and "checkpoint" in summary for k, summary in kinds)
    cli = imbplus(settings, "audit", "verify", "--quiet")
    assert cli.returncode == 1 and "Traceback" not in cli.stdout + cli.stderr
    assert "audit chain BROKEN" in cli.stdout and "unreadable" in cli.stdout


def test_p11_an_operator_anchors_again_only_over_a_chain_that_verifies(
    rt: Runtime, settings: Settings
) -> None:
    _fill(rt, 3)
    rt.checkpoint.path.unlink()
    assert imbplus(settings, "audit", "anchor").returncode == 2  # asks for --yes
    anchored = imbplus(settings, "audit", "anchor", "--yes")
    assert anchored.returncode == 0, anchored.stderr
    assert _verify(rt).ok
    _drop_guards(rt)
    with rt.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET purpose = 'marketing' WHERE seq = 2"))
    refused = imbplus(settings, "audit", "anchor", "--yes")
    assert refused.returncode == 1 and "does not verify" in refused.stderr


def _as_before_the_keyed_chain(rt: Runtime) -> tuple[int, str]:
    """An installation from before the keyed chain: plain SHA-256 records, an unsigned
    checkpoint naming the head."""
    _drop_guards(rt)
    with rt.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))
        conn.execute(text("UPDATE audit_head SET seq=0, hash=:h"), {"h": audit.GENESIS})
    with rt.sessions() as s:
        entries = [
            audit.Entry("system", "job", "system", "security", "", None, "old", "done", None, "r")
            for _ in range(3)
        ]
        head = audit.append(s, entries, None)
        s.commit()
    rt.checkpoint.path.write_text(json.dumps({"seq": head[0], "hash": head[1]}))
    return head


def test_init_signs_an_older_unsigned_checkpoint_and_keys_the_chain_from_then_on(
    rt: Runtime, settings: Settings
) -> None:
    from imbplus.bootstrap import init

    head = _as_before_the_keyed_chain(rt)
    assert "not signed" in (_verify(rt).problem or "")
    settings.audit_key_file.unlink()  # that installation had no signing key yet
    init(Runtime(settings))
    after = Runtime(settings)  # with the new key
    _fill(after, 2)  # new records are keyed
    with after.sessions() as s:
        result = audit.verify(s, after.checkpoint)
    assert result.ok and result.first_keyed == head[0] + 1
    assert after.checkpoint.mark().keyed_from == head[0] + 1


def test_init_never_signs_a_chain_forged_beside_an_existing_key(
    rt: Runtime, settings: Settings
) -> None:
    """The database's owner rewrites the log as plain SHA-256 with an unsigned checkpoint:
    a routine `init` must not take it for an upgrade and sign it."""
    from imbplus.bootstrap import init

    _as_before_the_keyed_chain(rt)
    init(Runtime(settings))
    assert not _verify(rt).ok


def test_a_lost_signing_key_is_refused_not_replaced(rt: Runtime, settings: Settings) -> None:
    from imbplus.bootstrap import ensure_ready, init
    from imbplus.errors import ConfigurationError

    _fill(rt, 2)
    settings.audit_key_file.unlink()
    with pytest.raises(ConfigurationError, match="audit signing key"):
        init(Runtime(settings))
    assert not settings.audit_key_file.exists()
    with pytest.raises(ConfigurationError, match="audit signing key"):
        ensure_ready(Runtime(settings))


def test_anchor_refuses_a_log_with_no_keyed_record(rt: Runtime, settings: Settings) -> None:
    """Checkpoint deleted, every record re-hashed plainly: nothing proves it came from us."""
    _as_before_the_keyed_chain(rt)
    rt.checkpoint.path.unlink()
    refused = imbplus(settings, "audit", "anchor", "--yes")
    assert refused.returncode == 1 and "no record of the log is keyed" in refused.stderr


def test_p11_an_old_checkpoint_copied_back_is_caught_when_the_key_is_kept_apart(
    rt: Runtime, settings: Settings, tmp_path: Path
) -> None:
    """The production layout: the key (and a mirror of the head beside it) on a volume the
    database's owner cannot write. Saving a validly signed checkpoint, deleting what came
    after it and copying it back is then caught."""
    keys = tmp_path / "keys"
    keys.mkdir(mode=0o700)
    shutil.copy2(settings.audit_key_file, keys / "audit.key")
    settings.audit_signing_key_file = keys / "audit.key"
    settings.__dict__.pop("audit_key_file", None)
    apart = Runtime(settings)
    assert apart.checkpoint.mirror is not None
    _fill(apart, 2)
    saved = apart.checkpoint.path.read_bytes()
    keep = _verify(apart).head_seq
    _fill(apart, 3)
    _delete_newest(apart, keep=keep)
    apart.checkpoint.path.write_bytes(saved)
    with apart.sessions() as s:
        result = audit.verify(s, apart.checkpoint)
    assert not result.ok and "newest records deleted" in (result.problem or "")
    apart.dispose()
