"""P11: the audit chain is append-only and tamper-evident, including deletion of the newest."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from imbplus.privacy import audit
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Action, Category, Purpose
from imbplus.runtime import Runtime


def _fill(rt: Runtime, n: int) -> None:
    for i in range(n):
        with rt.unit_of_work() as s:
            ctx = Context(s, rt, Actor.staff(1, ["support"]), Purpose.SERVICE_DELIVERY)
            ctx.check(
                Action.READ, {Category.CONTACT}, operation="customer.read", subjects=[f"c-{i}"]
            )


def _verify(rt: Runtime) -> audit.VerifyResult:
    with rt.sessions() as s:
        return audit.verify(s, rt.checkpoint)


def _drop_guards(rt: Runtime) -> None:
    """What an attacker with database admin rights would do first."""
    with rt.engine.begin() as conn:
        if rt.engine.dialect.name == "postgresql":
            conn.execute(text("DROP TRIGGER audit_log_append_only ON audit_log"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
            conn.execute(text("DROP TRIGGER audit_log_no_delete"))


def _delete_newest(rt: Runtime, keep: int) -> None:
    """Records after `keep` deleted, and (as a careful attacker would) the head moved back."""
    _drop_guards(rt)
    with rt.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq > :n"), {"n": keep})
        last = conn.execute(text("SELECT seq, hash FROM audit_log ORDER BY seq DESC")).first()
        assert last is not None
        conn.execute(text("UPDATE audit_head SET seq=:s, hash=:h"), {"s": last[0], "h": last[1]})


def test_p11_chain_verifies_and_checkpoint_follows_the_head(rt: Runtime) -> None:
    _fill(rt, 5)
    result = _verify(rt)
    assert result.ok and result.records == result.head_seq >= 5
    assert rt.checkpoint.read() is not None
    assert rt.checkpoint.read()[0] == result.head_seq  # type: ignore[index]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET purpose = 'marketing' WHERE seq = 1",
        "DELETE FROM audit_log WHERE seq = 1",
    ],
)
def test_p11_database_refuses_update_and_delete(rt: Runtime, statement: str) -> None:
    _fill(rt, 1)
    with pytest.raises(DBAPIError, match="append-only"), rt.engine.begin() as conn:
        conn.execute(text(statement))
    assert _verify(rt).ok


def test_p11_an_edited_record_is_named(rt: Runtime) -> None:
    _fill(rt, 6)
    _drop_guards(rt)
    with rt.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET purpose = 'marketing' WHERE seq = 3"))
    result = _verify(rt)
    assert not result.ok and result.first_bad_seq == 3
    assert "altered" in (result.problem or "")


def test_p11_a_chain_recomputed_without_the_key_is_caught(rt: Runtime) -> None:
    _fill(rt, 4)
    _drop_guards(rt)
    with rt.sessions() as s:  # rewrite record 2 and re-hash everything after it
        rows = s.execute(text("SELECT * FROM audit_log ORDER BY seq")).mappings().all()
        prev = audit.GENESIS
        for row in rows:
            data = dict(row)
            if data["seq"] == 2:
                data["purpose"] = "marketing"
            digest = audit.chain_hash(prev, data["seq"], data)
            s.execute(
                text("UPDATE audit_log SET purpose=:p, prev_hash=:ph, hash=:h WHERE seq=:s"),
                {"p": data["purpose"], "ph": prev, "h": digest, "s": data["seq"]},
            )
            prev = digest
        s.execute(text("UPDATE audit_head SET hash=:h"), {"h": prev})
        s.commit()
    result = _verify(rt)  # the chain is keyed: plain SHA-256 cannot stand in for a record
    assert not result.ok and result.first_bad_seq == 1 and "altered" in (result.problem or "")


def test_p11_deleting_the_newest_records_is_detected(rt: Runtime) -> None:
    _fill(rt, 5)
    head = _verify(rt).head_seq
    _delete_newest(rt, keep=head - 2)
    result = _verify(rt)
    assert not result.ok
    assert result.first_bad_seq == head - 1
    assert "newest records deleted" in (result.problem or "")


def test_p11_a_gap_in_the_middle_is_named(rt: Runtime) -> None:
    _fill(rt, 5)
    _drop_guards(rt)
    with rt.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = 2"))
    result = _verify(rt)
    assert not result.ok and result.first_bad_seq == 2 and "missing" in (result.problem or "")


def test_audit_records_hold_no_personal_values(rt: Runtime) -> None:
    from tests.support.factories import make_customer

    customer = make_customer(rt, email="unique.person@example.pl")
    with rt.engine.connect() as conn:
        dump = " ".join(
            str(v) for row in conn.execute(text("SELECT * FROM audit_log")) for v in row
        )
    assert customer.id in dump
    for value in (customer.email, customer.name, customer.phone, customer.address.street):
        assert value not in dump


def test_control_characters_from_input_never_break_an_append(rt: Runtime) -> None:
    import pytest as _pytest

    from imbplus.errors import AccessDenied

    with _pytest.raises(AccessDenied), rt.unit_of_work() as s:
        ctx = Context(s, rt, Actor.staff(1, ["support"]), Purpose.SERVICE_DELIVERY)
        ctx.check(
            Action.READ, {Category.PAYMENT_CARD}, operation="x", subjects=["bad\x00subject\x1f\n"]
        )
    result = _verify(rt)
    assert result.ok
    with rt.sessions() as s:
        last = audit.records(s, limit=1)[0]
    assert last.subject_id == "bad subject  " and last.result == "denied"
