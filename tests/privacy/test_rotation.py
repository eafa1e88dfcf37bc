"""P12: key rotation re-encrypts everything, destroys old versions, and resumes after a crash."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from imbplus.customers import service as customers
from imbplus.customers.models import Customer
from imbplus.customers.schemas import CustomerSearch
from imbplus.privacy import masterkey
from imbplus.privacy.access import Actor, Context
from imbplus.privacy.catalog import Purpose
from imbplus.privacy.crypto import key_ref
from imbplus.privacy.models import DataKeyVersion, KeyRotation
from imbplus.privacy.rotation import rotate
from imbplus.runtime import Runtime
from tests.support.factories import make_customer


def _versions(rt: Runtime) -> set[int]:
    with rt.sessions() as s:
        return {key_ref(c)[1] for c in s.execute(select(Customer.email_ct)).scalars() if c}


def _read_all(rt: Runtime) -> list[str]:
    with rt.unit_of_work() as s:
        ctx = Context(s, rt, Actor.staff(1, ["support"]), Purpose.SERVICE_DELIVERY)
        return sorted(
            customers.get(ctx, cid).email for cid in s.execute(select(Customer.id)).scalars()
        )


def _search(rt: Runtime, email: str) -> int:
    with rt.unit_of_work() as s:
        ctx = Context(s, rt, Actor.staff(1, ["support"]), Purpose.SERVICE_DELIVERY)
        return len(customers.search(ctx, CustomerSearch(email=email)))


def test_p12_rotation_reencrypts_and_destroys_old_versions(rt: Runtime) -> None:
    made = [make_customer(rt) for _ in range(7)]
    before = _read_all(rt)
    report = rotate(rt)
    assert report.keys_rotated == 7 + 2  # customers + blind-index + system keys
    assert report.values_reencrypted >= 7
    assert _versions(rt) == {2}
    assert _read_all(rt) == before
    assert _search(rt, made[3].email) == 1  # blind index recomputed under the new key
    with rt.sessions() as s:
        live_old = s.execute(
            select(func.count())
            .select_from(DataKeyVersion)
            .where(DataKeyVersion.version == 1, DataKeyVersion.wrapped.is_not(None))
        ).scalar_one()
    assert live_old == 0


def test_p12_an_interrupted_rotation_resumes_and_finishes(
    rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    from imbplus.privacy import rotation

    for _ in range(12):
        make_customer(rt)
    before = _read_all(rt)
    monkeypatch.setattr(rotation, "BATCH", 5)

    def crash(phase: str, done: int, total: int) -> None:
        if phase == "re-encrypt" and done >= 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rotate(rt, progress=crash)
    assert _versions(rt) == {1, 2}  # half done, both versions still readable
    assert _read_all(rt) == before
    report = rotate(rt)
    assert report.resumed
    assert _versions(rt) == {2}
    assert _read_all(rt) == before
    with rt.sessions() as s:
        runs = s.execute(select(KeyRotation)).scalars().all()
    assert len(runs) == 1 and runs[0].finished_at is not None
    # a later run is a new rotation
    assert rotate(rt).rotation_id != report.rotation_id
    assert _versions(rt) == {3}


def test_p12_master_key_rotation_rewraps_every_key(rt: Runtime) -> None:
    for _ in range(3):
        make_customer(rt)
    before = _read_all(rt)
    old = masterkey.load(rt.settings.key_file)
    report = rotate(rt, master=True)
    new = masterkey.load(rt.settings.key_file)
    assert report.master_rewrapped > 0
    assert set(new.keys) == {2} and new.keys[2] != old.keys[1]
    rt.reload_keyring()
    assert _read_all(rt) == before
