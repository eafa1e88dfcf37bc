"""P02, P11: a box's pseudonym secret comes out through the gate, audited against the
customer, once per assignment period and worker on the ingest path."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from imbplus.devices import pseudonyms
from imbplus.devices.models import Device
from imbplus.devices.tokens import TokenCache
from imbplus.errors import AccessDenied
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.privacy.models import AuditRecord
from imbplus.runtime import Runtime
from tests.support.factories import make_customer, make_device
from tests.support.stored import watch_decryptions


def _uses(rt: Runtime, operation: str) -> list[AuditRecord]:
    with rt.sessions() as s:
        return list(
            s.execute(
                select(AuditRecord).where(AuditRecord.action == operation).order_by(AuditRecord.seq)
            ).scalars()
        )


def test_p11_the_ingest_path_opens_the_secret_through_the_gate_and_audits_it(
    rt: Runtime,
) -> None:
    customer = make_customer(rt)
    device, token = make_device(rt, customer.id)
    cache = TokenCache(rt)
    cache.ttl = 0  # every check goes back to the database
    first = cache.authenticate(token)
    second = cache.authenticate(token)
    assert first.pseudonym == second.pseudonym != 0
    [use] = _uses(rt, "telemetry.pseudonym")  # once per period and worker, not per check
    assert (use.actor_id, use.actor_role, use.purpose, use.categories) == (
        f"device:{device.id}",
        "device",
        "service_delivery",
        "stb_activity",
    )
    assert (use.subject_id, use.result) == (customer.id, "allowed")
    cache.forget(device.id)  # a revocation or a new status: the next check opens it again
    assert cache.authenticate(token).pseudonym == first.pseudonym
    assert len(_uses(rt, "telemetry.pseudonym")) == 2


def test_p03_a_caller_the_policy_refuses_gets_no_secret_and_nothing_is_decrypted(
    rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    customer = make_customer(rt)
    device, _ = make_device(rt, customer.id)
    decrypted = watch_decryptions(monkeypatch)
    with pytest.raises(AccessDenied) as refused, rt.unit_of_work() as s:
        ctx = Context(s, rt, Actor.staff(2, ["marketing"]), Purpose.MARKETING)
        row = s.get(Device, device.id)
        assert row is not None
        pseudonyms.pseudonym_secret(ctx, row)
    assert refused.value.body()["category"] == "stb_activity"
    assert decrypted.values == 0
    [use] = _uses(rt, "telemetry.pseudonym")
    assert (use.result, use.subject_id) == ("denied", customer.id)


def test_a_fleet_is_opened_under_one_decision_with_a_record_per_owner(rt: Runtime) -> None:
    owners = [make_customer(rt) for _ in range(2)]
    boxes = [make_device(rt, owners[0].id)[0], make_device(rt, owners[1].id)[0]]
    boxes.append(make_device(rt, owners[1].id)[0])
    spare = make_device(rt)[0]  # nobody's box: a system secret, nothing to decide
    with rt.job("seed", Purpose.SERVICE_DELIVERY) as ctx:
        rows = list(
            ctx.session.execute(
                select(Device).where(Device.id.in_([b.id for b in [*boxes, spare]]))
            ).scalars()
        )
        found = pseudonyms.current_pseudonyms(ctx, rows, operation="t.fleet")
        one_by_one = [pseudonyms.pseudonym(pseudonyms.pseudonym_secret(ctx, r), r.id) for r in rows]
    assert found == one_by_one and len(set(found)) == 4
    assert sorted(r.subject_id for r in _uses(rt, "t.fleet")) == sorted(o.id for o in owners)
