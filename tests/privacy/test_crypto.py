"""P05, P12: envelope encryption, binding to table/column/row, shredding, blind index."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select, update

from imbplus.bootstrap import init
from imbplus.customers.models import Customer
from imbplus.errors import ConfigurationError, Erased, IntegrityFailure
from imbplus.privacy import masterkey
from imbplus.privacy.crypto import HEADER, SCOPE_CUSTOMER, key_ref
from imbplus.privacy.models import DataKeyVersion
from imbplus.runtime import Runtime
from imbplus.settings import Settings
from tests.support.factories import make_customer
from tests.support.stored import decrypted


def test_p05_round_trip_and_header_names_key_and_version(rt: Runtime) -> None:
    with rt.unit_of_work() as s:
        key_id = rt.keyring.create(s, SCOPE_CUSTOMER, owner_ref="c1")
        blob = rt.keyring.seal(s, key_id, "customers", "email_ct", "c1", "ala@example.pl")
    assert b"ala@example.pl" not in blob
    assert key_ref(blob) == (key_id, 1)
    with rt.unit_of_work() as s:  # a new unit of work unwraps the key from the database
        assert decrypted(rt, s, "customers", "email_ct", "c1", blob) == "ala@example.pl"


def test_p05_ciphertext_does_not_open_in_another_row_or_column(rt: Runtime) -> None:
    with rt.unit_of_work() as s:
        key_id = rt.keyring.create(s, SCOPE_CUSTOMER)
        blob = rt.keyring.seal(s, key_id, "customers", "email_ct", "row-1", "x@example.pl")
        with pytest.raises(IntegrityFailure) as moved_row:
            decrypted(rt, s, "customers", "email_ct", "row-2", blob)
        with pytest.raises(IntegrityFailure):
            decrypted(rt, s, "customers", "phone_ct", "row-1", blob)
    assert "x@example.pl" not in str(moved_row.value.body())


def test_p05_a_flipped_byte_is_detected(rt: Runtime) -> None:
    with rt.unit_of_work() as s:
        key_id = rt.keyring.create(s, SCOPE_CUSTOMER)
        blob = bytearray(rt.keyring.seal(s, key_id, "t", "c", "r", "secret value"))
    blob[HEADER.size + 14] ^= 0x01
    with rt.unit_of_work() as s, pytest.raises(IntegrityFailure):
        decrypted(rt, s, "t", "c", "r", bytes(blob))


def test_p13_shredding_a_customer_key_makes_every_copy_unreadable(rt: Runtime) -> None:
    customer = make_customer(rt)
    with rt.unit_of_work() as s:
        row = s.get(Customer, customer.id)
        assert row is not None
        copy = row.email_ct  # e.g. what a backup holds
        rt.keyring.shred(s, row.key_id)
    with rt.unit_of_work() as s:
        assert copy is not None
        with pytest.raises(Erased):
            decrypted(rt, s, "customers", "email_ct", customer.id, copy)
        wrapped = (
            s.execute(select(DataKeyVersion.wrapped).where(DataKeyVersion.key_id == row.key_id))
            .scalars()
            .all()
        )
    assert wrapped == [None]


def test_blind_index_is_keyed_deterministic_and_per_column(rt: Runtime) -> None:
    with rt.unit_of_work() as s:
        a = rt.keyring.blind_index(s, "customers", "email", "a@example.pl")
        b = rt.keyring.blind_index(s, "customers", "email", "a@example.pl")
        c = rt.keyring.blind_index(s, "customers", "phone", "a@example.pl")
    assert a == b and a != c and len(a) == 32


def test_p12_master_key_file_is_private_and_refused_when_readable(settings: Settings) -> None:
    key_file = settings.key_file
    assert key_file.stat().st_mode & 0o777 == 0o600
    os.chmod(key_file, 0o644)
    with pytest.raises(ConfigurationError, match="chmod 600"):
        masterkey.load(key_file)


def test_p12_init_creates_a_0600_key_and_is_idempotent(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "fresh")
    rt = Runtime(settings)
    first = init(rt)
    second = init(rt)
    rt.dispose()
    assert first.key_created and not second.key_created
    assert first.revision_after == second.revision_before == second.revision_after
    assert settings.key_file.stat().st_mode & 0o777 == 0o600


def test_p12_init_refuses_a_master_key_that_does_not_open_the_keyring(rt: Runtime) -> None:
    make_customer(rt)
    masterkey.save(rt.settings.key_file, masterkey.MasterKey(1, {1: os.urandom(32)}))
    rt.reload_keyring()
    with pytest.raises(IntegrityFailure):
        init(rt)


def test_p05_a_tampered_wrapped_key_is_reported(rt: Runtime) -> None:
    customer = make_customer(rt)
    with rt.unit_of_work() as s:
        row = s.get(Customer, customer.id)
        assert row is not None
        s.execute(
            update(DataKeyVersion)
            .where(DataKeyVersion.key_id == row.key_id)
            .values(wrapped=os.urandom(60))
        )
    with rt.unit_of_work() as s:
        row = s.get(Customer, customer.id)
        assert row is not None and row.name_ct is not None
        with pytest.raises(IntegrityFailure, match="wrapped data key"):
            decrypted(rt, s, "customers", "name_ct", customer.id, row.name_ct)


def test_p13_a_key_shredded_by_another_process_stops_working_here_at_once(
    rt: Runtime, settings: Settings
) -> None:
    """Unwrapped keys are kept per process, but only under the wrapped key the database
    still holds: another host's shred (no cache of this process touched) takes effect."""
    customer = make_customer(rt)
    with rt.unit_of_work() as s:
        row = s.get(Customer, customer.id)
        assert row is not None and row.email_ct is not None
        blob = row.email_ct
        assert decrypted(rt, s, "customers", "email_ct", customer.id, blob)
    assert len(rt.keyring._unwrapped) > 0  # kept beyond the unit of work
    other = Runtime(settings)
    try:
        with other.unit_of_work() as s:
            other.keyring.shred(s, row.key_id)
    finally:
        other.dispose()
    with rt.unit_of_work() as s, pytest.raises(Erased):
        decrypted(rt, s, "customers", "email_ct", customer.id, blob)


def test_p13_a_shred_here_drops_the_kept_unwrapping(rt: Runtime) -> None:
    customer = make_customer(rt)
    with rt.unit_of_work() as s:
        row = s.get(Customer, customer.id)
        assert row is not None and row.email_ct is not None
        decrypted(rt, s, "customers", "email_ct", customer.id, row.email_ct)
        assert any(ref[0] == row.key_id for ref in rt.keyring._unwrapped._keys)
        rt.keyring.shred(s, row.key_id)
    assert not any(ref[0] == row.key_id for ref in rt.keyring._unwrapped._keys)
